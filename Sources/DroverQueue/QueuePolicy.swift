/// The rules every `JobQueue` follows; both backends read the same values.
public struct QueuePolicy: Sendable, Hashable {
    /// Backoff before retry n (1-based) is `retryBaseMs × 2^(n-1)`, scaled by a jitter factor
    /// drawn from `1 - retryJitter ... 1 + retryJitter`. Default: 2 s, ±25 %.
    public var retryBaseMs: Int = 2_000
    public var retryJitter: Double = 0.25
    /// The longest backoff, whatever the attempt and the jitter. Default: 10 minutes.
    public var retryMaxMs: Int = 600_000
    /// Equal jobs (type + payload, which holds `userId`) within this window are one job. Default: 5 s.
    public var dedupWindowMs: Int = 5_000
    /// How long an idempotency key keeps returning its job. Default: 24 h.
    public var idempotencyTTLMs: Int = 86_400_000
    /// Completed (and cancelled) jobs are kept this long. Default: 1 h.
    public var completedRetentionMs: Int = 3_600_000
    /// Dead jobs are kept this long. Default: 24 h.
    public var deadRetentionMs: Int = 86_400_000
    /// At most this many completed (and, separately, dead) jobs are kept per queue. Default: 100,000.
    public var retentionCount: Int = 100_000
    /// A lease runs for the job's timeout plus this grace before the reaper may take it back. Default: 10 s.
    public var leaseGraceMs: Int = 10_000
    /// After this many jobs taken ahead of a waiting `low` job, the next job is a `low` one. Default: 10.
    public var lowPriorityEvery: Int = 10
    /// After this many `high` jobs taken ahead of a waiting `normal` job, the next is `normal`. Default: 4.
    public var normalPriorityEvery: Int = 4

    public init() {}

    /// The delay before the retry that follows failed attempt `attempt` (1-based).
    ///
    /// - Parameter unitRandom: a number in `0...1`; tests pass a fixed one.
    public func retryDelayMs(afterAttempt attempt: Int, unitRandom: Double) -> Int {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(Double(retryBaseMs) * Double(1 << exponent), Double(retryMaxMs))
        let factor = 1 - retryJitter + 2 * retryJitter * min(max(unitRandom, 0), 1)
        // Capped after the jitter, so that no draw waits longer than the longest backoff.
        return max(0, min(Int(base * factor), retryMaxMs))
    }

    /// The retry delay with a fresh random draw.
    public func retryDelayMs(afterAttempt attempt: Int) -> Int {
        retryDelayMs(afterAttempt: attempt, unitRandom: Double.random(in: 0...1))
    }
}
