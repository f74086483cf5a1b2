/// Timeouts and reconnect policy for one Redis connection.
public struct RedisOptions: Sendable {
    /// How long to wait for the TCP or Unix-socket connect. Default: 2 s.
    public var connectTimeout: Duration = .seconds(2)
    /// How long any single read or write may block. Commands that block on the server
    /// (`BLPOP`, `BZPOPMIN`) pass their own timeout to `RedisClient.send(_:timeout:)`. Default: 5 s.
    ///
    /// - Note: hiredis applies this per socket read/write, so a large pipeline that keeps
    ///   receiving replies is not cut off by it; a silent server is.
    public var commandTimeout: Duration = .seconds(5)
    /// The first wait between failed connect attempts. Each later wait doubles, is capped at
    /// `reconnectMaxDelay`, and is multiplied by a random factor in 0.5…1.5 so that many
    /// processes do not reconnect in lockstep. Default: 50 ms.
    public var reconnectBaseDelay: Duration = .milliseconds(50)
    /// The longest wait between connect attempts, before jitter. Default: 2 s.
    public var reconnectMaxDelay: Duration = .seconds(2)
    /// Connect attempts one call makes before it fails with `.connectionFailed`. Values below 1
    /// count as 1. Default: 8.
    public var reconnectAttempts: Int = 8

    public init() {}
}
