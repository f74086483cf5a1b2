/// Jittered exponential backoff between connect attempts.
struct ReconnectBackoff: Sendable {
    let base: Duration
    let max: Duration

    init(options: RedisOptions) {
        base = options.reconnectBaseDelay
        max = options.reconnectMaxDelay
    }

    /// The wait before the next attempt, after `failures` consecutive failed attempts (≥ 1).
    func delay(afterFailures failures: Int) -> Duration {
        // 2^20 × any sane base is far beyond any sane cap; stopping there avoids overflow.
        let exponent = Swift.min(Swift.max(failures - 1, 0), 20)
        let raw = base * (1 << exponent)
        let capped = raw > max ? max : raw
        return capped * Double.random(in: 0.5...1.5)
    }
}
