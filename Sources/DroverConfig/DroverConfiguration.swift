import DroverQueue

/// Everything Drover reads from `Config/drover.yaml`, the environment and flags, validated.
///
/// Build one with ``load(file:environment:overrides:)``; `DroverConfiguration()` and ``defaults``
/// are the documented defaults, which the shipped `Config/drover.yaml` spells out key by key.
public struct DroverConfiguration: Sendable, Hashable {
    /// How Drover runs. Default: `multi`. `RAG_PROCESSING_MODE` sets it too.
    public var mode: ProcessingMode = .multi
    /// `redis.*`: where Redis is.
    public var redis = RedisConfiguration()
    /// `http.*`: the API server.
    public var http = HTTPConfiguration()
    /// `supervisor.*`: worker processes and their supervision.
    public var supervisor = SupervisorConfiguration()
    /// `autoscale.*`: following the queue depth.
    public var autoscale = AutoscaleConfiguration()
    /// `backpressure.*`: admission control.
    public var backpressure = BackpressureConfiguration()
    /// `routing.*`: sticky routing and the circuit breaker.
    public var routing = RoutingConfiguration()
    /// `cache.*`: L1 size and TTLs.
    public var cache = CacheConfiguration()
    /// `rag.*`: chunking, embedder, generator, upstream services.
    public var rag = RAGPipelineConfiguration()
    /// `queues.*`: queue names, retention, retries.
    public var queues = QueuesConfiguration()
    /// `logging.*`.
    public var logging = LoggingConfiguration()

    public init() {}

    /// The documented defaults, with no file, environment or flags applied.
    public static let defaults = DroverConfiguration()

    /// The queue rules for `JobQueue` backends (see ``QueuesConfiguration/queuePolicy``).
    public var queuePolicy: QueuePolicy { queues.queuePolicy }
}
