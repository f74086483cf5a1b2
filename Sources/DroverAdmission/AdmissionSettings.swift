/// The numbers admission control works with; `backpressure.*` in the configuration.
public struct AdmissionSettings: Sendable, Hashable {
    /// Depth at which the warning zone starts. Default: 500.
    public var warningThreshold: Int = 500
    /// Depth at which only `high` is admitted. Default: 1000.
    public var maxQueueDepth: Int = 1_000
    /// Least time a refusal lasts once it starts, so admission does not flap. Default: 1000 ms.
    public var cooldownMs: Int64 = 1_000
    /// Shares of the warning band, in percent, in the order the band is handed out: `low` first.
    public var highShare: Int = 30
    public var normalShare: Int = 50
    public var lowShare: Int = 20
    /// Weight of the newest drain-rate sample in the moving average (0...1). Default: 0.3.
    public var drainRateSmoothing: Double = 0.3
    /// Bounds of `Retry-After`, in seconds.
    public var minRetryAfterSeconds: Int = 1
    public var maxRetryAfterSeconds: Int = 60

    public init() {}
}
