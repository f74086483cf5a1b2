/// How long to wait before calling a webhook again: exponential, capped, with jitter so that many
/// failed deliveries do not retry in step. Pure: the randomness comes in as an argument.
public struct WebhookBackoff: Sendable, Hashable {
    public var baseMs: Int
    public var maxMs: Int

    public init(baseMs: Int = 1_000, maxMs: Int = 60_000) {
        self.baseMs = max(0, baseMs)
        self.maxMs = max(0, maxMs)
    }

    /// The wait after failed attempt `attempt` (from 1): `baseMs × 2^(attempt-1)`, at most `maxMs`,
    /// scaled into its upper half by `unitRandom` in `0..<1` ("equal jitter").
    public func delayMs(afterAttempt attempt: Int, unitRandom: Double) -> Int {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(Double(baseMs) * Double(1 << exponent), Double(maxMs))
        let factor = 0.5 + 0.5 * min(max(unitRandom, 0), 1)
        return Int(full * factor)
    }
}
