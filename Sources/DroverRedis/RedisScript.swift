/// A Redis Lua script, run with `EVALSHA` and loaded on demand (`SCRIPT LOAD`, again after `NOSCRIPT`).
public struct RedisScript: Sendable, Hashable {
    /// A label for errors and logs, e.g. `reserve`.
    public let name: String
    public let source: String
    /// The SHA-1 of `source` in lowercase hex: the name Redis files the script under.
    public let sha1: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
        self.sha1 = SHA1.hexDigest(of: Array(source.utf8))
    }
}
