/// Admission control: when new jobs are warned about, refused, and how capacity is shared by priority.
public struct BackpressureConfiguration: Sendable, Hashable {
    /// Queue depth at which the API starts warning (logs, metrics, readiness detail). Default: 500.
    public var warningThreshold: Int = 500
    /// Queue depth at which new `normal` and `low` jobs get 503 with `Retry-After`. Default: 1000.
    public var maxQueueDepth: Int = 1_000
    /// The least time a refusal state lasts once entered, so admission does not flap. Default: 1000 ms.
    public var cooldownMs: Int = 1_000
    /// Share of `maxQueueDepth` reserved for each priority, in percent.
    public var priorityBuckets = PriorityBuckets()

    public init() {}

    /// Percentages of queue capacity per priority; they add up to 100.
    public struct PriorityBuckets: Sendable, Hashable {
        /// Default: 30.
        public var high: Int = 30
        /// Default: 50.
        public var normal: Int = 50
        /// Default: 20.
        public var low: Int = 20

        public init() {}
    }
}
