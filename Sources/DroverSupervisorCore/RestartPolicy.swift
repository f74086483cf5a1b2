/// Restart throttling for one slot: a few free restarts inside a window, then exponential backoff.
///
/// The first `intensity` failures within `periodMs` respawn at once; every failure after that waits
/// `backoffBaseMs`, doubling each time, up to `backoffMaxMs`. Throttling never ends in giving up.
/// With the defaults a worker that crashes at once is spawned 11 times in its first 45 s
/// (6 at once, then after 1, 2, 4, 8 and 16 s).
public struct RestartPolicy: Hashable, Sendable {
    /// Failures allowed within `periodMs` before backoff starts. Default: 5.
    public var intensity: Int = 5
    /// The window in which failures are counted. Default: 60 s.
    public var periodMs: Int64 = 60_000
    /// The first delay once throttled. Default: 1 s.
    public var backoffBaseMs: Int64 = 1_000
    /// The longest delay. Default: 30 s.
    public var backoffMaxMs: Int64 = 30_000

    public init(intensity: Int = 5, periodMs: Int64 = 60_000, backoffBaseMs: Int64 = 1_000, backoffMaxMs: Int64 = 30_000) {
        self.intensity = intensity
        self.periodMs = periodMs
        self.backoffBaseMs = backoffBaseMs
        self.backoffMaxMs = backoffMaxMs
    }

    /// The delay at a backoff level: `base × 2^level`, capped.
    public func backoffDelay(level: Int) -> Int64 {
        // Past 2^30 the cap has long been reached; stopping there keeps the shift from overflowing.
        let shift = Int64(min(max(level, 0), 30))
        let delay = backoffBaseMs.multipliedReportingOverflow(by: Int64(1) << shift)
        return delay.overflow ? backoffMaxMs : min(delay.partialValue, backoffMaxMs)
    }
}
