import DroverQueue
import Histogram

/// What `drover bench queue` measured.
public struct QueueBenchmarkReport: Sendable {
    public var jobs = 0
    public var workers: Int
    public var concurrency: Int
    public var sleepMs: Int
    public var rate: Int?
    /// Distinct user ids, each routed to one worker's sticky queue; nil: shared queue only.
    public var users: Int?
    public var redis: String
    public var enqueueSeconds = 0.0
    /// From the first job's start to the last job's finish, by Redis's clock.
    public var drainSeconds = 0.0
    /// Enqueue to completion, by Redis's clock.
    public var latencyMicros = LatencySummary(p50: 0, p95: 0, p99: 0, max: 0)
    /// Enqueue to the start of the attempt that completed (queueing and pick-up), by Redis's clock.
    public var startLatencyMicros = LatencySummary(p50: 0, p95: 0, p99: 0, max: 0)
    public var unfinished = 0
    /// Every Redis command run during the measurement, those inside Lua scripts included.
    public var redisCommands = 0
    /// EVALSHA calls: each is one state change of a batch of jobs.
    public var redisScriptCalls = 0
    /// Blocking waits for new work (BZPOPMIN).
    public var redisBlockingCalls = 0
    /// With `--kill-one-after-ms`: the kill and what the survivors did around it.
    public var kill: WorkerKillReport?

    init(options: QueueBenchmark.Options, redis: String) {
        workers = options.workers
        concurrency = options.concurrency
        sleepMs = options.sleepMs
        rate = options.rate
        users = options.users
        self.redis = redis
    }

    public var enqueuePerSecond: Double { enqueueSeconds > 0 ? Double(jobs) / enqueueSeconds : 0 }
    public var drainPerSecond: Double { drainSeconds > 0 ? Double(jobs) / drainSeconds : 0 }

    func perJob(_ n: Int) -> Double { jobs > 0 ? Double(n) / Double(jobs) : 0 }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "jobs": .int(jobs), "workers": .int(workers), "concurrency": .int(concurrency), "sleepMs": .int(sleepMs),
            "rate": rate.map { .int($0) } ?? .null,
            "users": users.map { .int($0) } ?? .null,
            "enqueueJobsPerSecond": .double(enqueuePerSecond.rounded()),
            "drainJobsPerSecond": .double(drainPerSecond.rounded()),
            "latencyMs": latencyMicros.millisecondsJSON,
            "startLatencyMs": startLatencyMicros.millisecondsJSON,
            "unfinished": .int(unfinished),
            "redisCommandsPerJob": .double(perJob(redisCommands)),
            "redisScriptCallsPerJob": .double(perJob(redisScriptCalls)),
            "redisBlockingCallsPerJob": .double(perJob(redisBlockingCalls)),
        ]
        if let kill { fields["kill"] = kill.json }
        return .object(fields)
    }

    public var text: String {
        var lines = [
            "drover bench queue: \(jobs) noop jobs (sleep \(sleepMs) ms), \(workers) workers × concurrency \(concurrency)"
                + (rate.map { ", paced at \($0) jobs/s" } ?? ", bulk")
                + (users.map { ", \($0) users on sticky queues" } ?? ", shared queue") + ", redis \(redis)",
            "enqueue: \(Int(enqueuePerSecond.rounded())) jobs/s (\(fixed(enqueueSeconds, 3)) s)",
            "drain:   \(Int(drainPerSecond.rounded())) jobs/s (\(fixed(drainSeconds, 3)) s, first start to last finish)",
            "latency, enqueue to completion: " + latencyMicros.millisecondsText,
            "  of which enqueue to start:     " + startLatencyMicros.millisecondsText,
            "redis per job: \(fixed(perJob(redisCommands), 1)) commands, \(fixed(perJob(redisScriptCalls), 3)) script calls, \(fixed(perJob(redisBlockingCalls), 3)) blocking waits",
        ]
        if unfinished > 0 { lines.append("UNFINISHED: \(unfinished) jobs have no finish time") }
        if let kill { lines += kill.lines }
        return lines.joined(separator: "\n")
    }

    func fixed(_ value: Double, _ digits: Int) -> String { DecimalText.fixed(value, digits) }
}

/// Latency percentiles, in microseconds.
public struct LatencySummary: Sendable, Hashable {
    public var p50: UInt64
    public var p95: UInt64
    public var p99: UInt64
    public var max: UInt64

    public init(p50: UInt64, p95: UInt64, p99: UInt64, max: UInt64) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    init(_ histogram: Histogram<UInt64>) {
        self.init(p50: histogram.valueAtPercentile(50), p95: histogram.valueAtPercentile(95),
                  p99: histogram.valueAtPercentile(99), max: histogram.max)
    }

    private var milliseconds: [(name: String, value: Double)] {
        [("p50", p50), ("p95", p95), ("p99", p99), ("max", max)].map { ($0.0, Double($0.1) / 1000) }
    }

    /// `{p50, p95, p99, max}` in milliseconds.
    var millisecondsJSON: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: milliseconds.map { ($0.name, .double($0.value)) }))
    }

    /// `p50 1.23 ms  p95 …  p99 …  max …`.
    var millisecondsText: String {
        milliseconds.map { "\($0.name) \(DecimalText.fixed($0.value, 2)) ms" }.joined(separator: "  ")
    }
}
