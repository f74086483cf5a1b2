/// Every number the supervisor's decisions use, filled from the `supervisor` configuration.
public struct SupervisorPolicy: Hashable, Sendable {
    /// The pool never shrinks below this. Default: 1.
    public var minWorkers: Int = 1
    /// The pool never grows above this. Default: 8.
    public var maxWorkers: Int = 8
    /// Workers kept booted beside the pool, so a crash or a scale-up is served by an already
    /// running process instead of a cold start. Default: 0 here; the configuration's default is 1.
    public var spareWorkers: Int = 0
    /// Jobs one worker runs at once; a worker at this many is `overloaded`. Default: 3.
    public var concurrency: Int = 3
    /// How often workers report in; also the pace of drain-progress reports to systemd. Default: 5 s.
    public var heartbeatIntervalMs: Int64 = 5_000
    /// Silence after which a ready or draining worker is aborted, then killed. Default: 30 s.
    public var hangTimeoutMs: Int64 = 30_000
    /// Time a new worker has to say ready before it is aborted, then killed. Default: 30 s.
    public var bootTimeoutMs: Int64 = 30_000
    /// From SIGABRT to SIGKILL: long enough to write a core dump. Default: 5 s.
    public var abortGraceMs: Int64 = 5_000
    /// From a `.stop` message to SIGKILL: the worker puts its leases back and exits. Default: 5 s.
    public var stopGraceMs: Int64 = 5_000
    /// How long after SIGKILL an exit is awaited before the kill is repeated and reported. Default: 5 s.
    public var killGraceMs: Int64 = 5_000
    /// Resident memory above which a worker is replaced, then drained. Default: 512 MiB.
    public var maxMemoryBytes: Int64 = 512 * 1024 * 1024
    /// `maxMemoryBytes × hardMemoryFactor` kills at once. Default: 1.5.
    public var hardMemoryFactor: Double = 1.5
    /// How long a drained worker (and the whole pool on shutdown) has to finish its jobs. Default: 30 s.
    public var drainTimeoutMs: Int64 = 30_000
    /// After a job's timeout, how long its worker has to cancel it before being killed. Default: 10 s.
    public var jobCancelGraceMs: Int64 = 10_000
    /// Restart throttling for crashed workers.
    public var restart = RestartPolicy()
    /// Growing and shrinking the pool on queue depth; off unless configured.
    public var autoscale = AutoscalePolicy()
    /// The per-slot circuit breaker that takes a failing worker out of routing.
    public var breaker = BreakerPolicy()

    public init() {}

    /// The hard memory limit in bytes.
    public var hardMemoryBytes: Int64 {
        let hard = Double(maxMemoryBytes) * hardMemoryFactor
        return hard >= Double(Int64.max) ? Int64.max : Int64(hard)
    }

    /// `count` kept within `minWorkers…maxWorkers`.
    public func clampedWorkers(_ count: Int) -> Int {
        min(max(count, minWorkers), maxWorkers)
    }

    /// Refuses numbers the decisions cannot work with, naming the field.
    public func validate() throws(SupervisorCoreError) {
        let rules = PolicyRules(prefix: "")
        try rules.require(minWorkers >= 0, "minWorkers", "must be at least 0", minWorkers)
        try rules.require(maxWorkers >= 1, "maxWorkers", "must be at least 1", maxWorkers)
        try rules.require(minWorkers <= maxWorkers, "minWorkers", "must not exceed maxWorkers (\(maxWorkers))", minWorkers)
        try rules.require((0...16).contains(spareWorkers), "spareWorkers", "must be 0…16", spareWorkers)
        try rules.require(concurrency >= 1, "concurrency", "must be at least 1", concurrency)
        try rules.require(heartbeatIntervalMs > 0, "heartbeatIntervalMs", "must be positive", heartbeatIntervalMs)
        try rules.require(hangTimeoutMs > heartbeatIntervalMs, "hangTimeoutMs", "must exceed heartbeatIntervalMs (\(heartbeatIntervalMs))", hangTimeoutMs)
        try rules.require(bootTimeoutMs > 0, "bootTimeoutMs", "must be positive", bootTimeoutMs)
        try rules.require(abortGraceMs >= 0, "abortGraceMs", "must not be negative", abortGraceMs)
        try rules.require(stopGraceMs >= 0, "stopGraceMs", "must not be negative", stopGraceMs)
        try rules.require(killGraceMs > 0, "killGraceMs", "must be positive", killGraceMs)
        try rules.require(maxMemoryBytes > 0, "maxMemoryBytes", "must be positive", maxMemoryBytes)
        try rules.require(hardMemoryFactor >= 1, "hardMemoryFactor", "must be at least 1", hardMemoryFactor)
        try rules.require(drainTimeoutMs >= 0, "drainTimeoutMs", "must not be negative", drainTimeoutMs)
        try rules.require(jobCancelGraceMs >= 0, "jobCancelGraceMs", "must not be negative", jobCancelGraceMs)
        try rules.require(restart.intensity >= 0, "restart.intensity", "must not be negative", restart.intensity)
        try rules.require(restart.periodMs > 0, "restart.periodMs", "must be positive", restart.periodMs)
        try rules.require(restart.backoffBaseMs > 0, "restart.backoffBaseMs", "must be positive", restart.backoffBaseMs)
        try autoscale.validate()
        try breaker.validate()
        try rules.require(restart.backoffMaxMs >= restart.backoffBaseMs, "restart.backoffMaxMs", "must be at least backoffBaseMs (\(restart.backoffBaseMs))", restart.backoffMaxMs)
    }
}
