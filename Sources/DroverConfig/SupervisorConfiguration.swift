/// The supervisor: how many workers, how they are watched, and how crashed ones come back.
public struct SupervisorConfiguration: Sendable, Hashable {
    /// Worker processes to start with. Default: `auto`, one per online CPU.
    public var workers: WorkerCount = .auto
    /// The autoscaler never goes below this. Default: 1.
    public var minWorkers: Int = 1
    /// The autoscaler never goes above this. Default: `auto`, two per online CPU.
    public var maxWorkers: WorkerCount = .auto
    /// Workers kept booted but idle, so a crashed or added worker is replaced by a running
    /// process instead of a cold start. Default: 1.
    public var spareWorkers: Int = 1
    /// Jobs one worker runs at once. Default: 3.
    public var concurrency: Int = 3
    /// How often a worker reports in. Default: 5000 ms.
    public var heartbeatIntervalMs: Int = 5_000
    /// Silence after which a worker counts as hung and is replaced. Default: 30000 ms.
    public var hangTimeoutMs: Int = 30_000
    /// Resident memory above which a worker is drained and replaced. Default: 512 MB.
    public var maxMemoryMB: Int = 512
    /// A worker above `maxMemoryMB × hardMemoryFactor` is killed at once rather than drained. Default: 1.5.
    public var hardMemoryFactor: Double = 1.5
    /// How long running jobs get to finish on shutdown before they are put back. Default: 30 s.
    public var drainTimeoutS: Int = 30
    /// Restart throttling for crashed workers.
    public var restart = Restart()
    /// Sockets, the embedded Redis socket and pid files. Default: `$RUNTIME_DIRECTORY` (set by
    /// systemd's `RuntimeDirectory=`) when set, else `/run/drover`.
    public var runtimeDirectory: String = "/run/drover"
    /// Persistent state: the embedded Redis AOF. Default: `$STATE_DIRECTORY` (set by systemd's
    /// `StateDirectory=`) when set, else `/var/lib/drover`.
    public var stateDirectory: String = "/var/lib/drover"

    public init() {}

    /// How crashed workers are restarted without looping.
    public struct Restart: Sendable, Hashable {
        /// The most restarts of one worker slot within `periodS`; past that the slot is throttled. Default: 5.
        public var intensity: Int = 5
        /// The window in which `intensity` crashes are counted. Default: 60 s.
        public var periodS: Int = 60
        /// The first restart delay; each further crash doubles it. Default: 1000 ms.
        public var backoffBaseMs: Int = 1_000
        /// The longest restart delay. Default: 30000 ms.
        public var backoffMaxMs: Int = 30_000

        public init() {}
    }
}
