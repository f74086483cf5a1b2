/// Where a Redis server is and how to log in: `redis://[user:pass@]host[:port][/db]` or
/// `unix:///path/to.sock[?db=N][&password=…][&username=…]`.
///
/// Follows `redis-cli -u`: in `redis://secret@host` the lone user-info part is the password.
/// User, password and Unix path are percent-decoded. `rediss://` (TLS) is refused: this client has no TLS.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// The transport to reach the server.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// The port when a `redis://` URL names none.
    public static let defaultPort = 6379

    public let endpoint: Endpoint
    public let username: String?
    public let password: String?
    public let database: Int

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        precondition(database >= 0, "Redis database numbers are never negative")
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// The URL as text, with the password replaced by `***` so it can be logged.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port):
            var text = "redis://"
            if let username { text += username }
            if password != nil { text += ":***" }
            if username != nil || password != nil { text += "@" }
            text += host.contains(":") ? "[\(host)]" : host
            text += ":\(port)"
            if database != 0 { text += "/\(database)" }
            return text
        case .unix(let path):
            var query: [String] = []
            if database != 0 { query.append("db=\(database)") }
            if let username { query.append("username=\(username)") }
            if password != nil { query.append("password=***") }
            return "unix://\(path)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
    }
}
