/// Where Redis is and how long to wait for it.
public struct RedisConfiguration: Sendable, Hashable {
    /// `redis://[user:pass@]host:port/db` or `unix:///path?db=N`. Default: empty, which in `multi`
    /// mode means the supervisor runs its own `redis-server` on a Unix socket in its runtime directory.
    public var url: String = ""
    /// How long to wait for a connection. Default: 2000 ms.
    public var connectTimeoutMs: Int = 2_000
    /// How long to wait for the answer to one command. Default: 5000 ms.
    public var commandTimeoutMs: Int = 5_000

    public init() {}

    /// Whether the supervisor should start its own `redis-server` (no URL configured).
    public var usesEmbeddedServer: Bool { url.isEmpty }
}
