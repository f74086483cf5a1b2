import DroverQueue

/// Which queues this host serves, how long finished jobs are kept, and how failed ones retry.
public struct QueuesConfiguration: Sendable, Hashable {
    /// The queues workers reserve from, as `rag:<type>`. Default: all six.
    public var names: [JobType] = JobType.allCases
    /// How long and how many finished jobs are kept in Redis.
    public var retention = Retention()
    /// Backoff between attempts of a failed job.
    public var retry = Retry()
    /// Equal jobs (type + payload + userId) within this window are one job. Default: 5000 ms.
    public var dedupWindowMs: Int = 5_000
    /// How long an idempotency key keeps returning its job. Default: 86400 s (24 h).
    public var idempotencyTTLS: Int = 86_400
    /// A lease runs for the job's timeout plus this grace before another host may take it back. Default: 10000 ms.
    public var leaseGraceMs: Int = 10_000

    public init() {}

    /// Bounds on finished jobs kept in Redis, so nothing stays forever.
    public struct Retention: Sendable, Hashable {
        /// Completed (and cancelled) jobs are kept this long. Default: 3600 s (1 h).
        public var completedS: Int = 3_600
        /// Dead jobs are kept this long. Default: 86400 s (24 h).
        public var deadS: Int = 86_400
        /// At most this many completed (and, separately, dead) jobs per queue. Default: 100000.
        public var maxCount: Int = 100_000

        public init() {}
    }

    /// Exponential backoff: attempt n waits `baseMs × 2^(n-1)`, ± `jitter`, at most `maxMs`.
    public struct Retry: Sendable, Hashable {
        /// Default: 2000 ms.
        public var baseMs: Int = 2_000
        /// Fraction of the delay drawn at random either way, 0…1. Default: 0.25.
        public var jitter: Double = 0.25
        /// Default: 600000 ms (10 min).
        public var maxMs: Int = 600_000

        public init() {}
    }

    /// The queue names as strings (`rag:ask`).
    public var queueNames: [String] { names.map(\.queueName) }
}
