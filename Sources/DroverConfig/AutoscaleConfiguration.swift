/// When the supervisor adds and removes workers, from the queue depth it samples in Redis.
public struct AutoscaleConfiguration: Sendable, Hashable {
    /// Whether the worker count follows the load; when off, it stays at `supervisor.workers`. Default: true.
    public var enabled: Bool = true
    /// One more worker for every this many waiting jobs per worker. Default: 20.
    public var scaleUpDepthPerWorker: Int = 20
    /// A worker idle this long may be removed. Default: 60 s.
    public var idleBeforeScaleDownS: Int = 60
    /// The least time between two scaling steps. Default: 30 s.
    public var cooldownS: Int = 30
    /// How often the queue depth is sampled. Default: 1000 ms.
    public var sampleIntervalMs: Int = 1_000

    public init() {}
}
