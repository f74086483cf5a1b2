extension RedisURL {
    /// The URL as text that `RedisURL(parsing:)` reads back to an equal value, password included.
    ///
    /// For handing a connection to our own child processes (`--redis`); `description` hides the
    /// password and is what logs and errors show.
    public var connectionString: String {
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[" + host + "]" : host
            var auth = ""
            if let password {
                auth = (username.map { Self.percentEncoded($0) } ?? "") + ":" + Self.percentEncoded(password) + "@"
            }
            return "redis://" + auth + shownHost + ":" + String(port) + "/" + String(database)
        case .unix(let path):
            var query: [String] = []
            if let username { query.append("username=" + Self.percentEncoded(username)) }
            if let password { query.append("password=" + Self.percentEncoded(password)) }
            if database != 0 { query.append("db=" + String(database)) }
            return "unix://" + Self.percentEncoded(path, keeping: "/") + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters and `kept` (a socket path
    /// keeps its `/`; its `?`, `#` and `%` must be escaped, or they read back as URL syntax).
    static func percentEncoded(_ text: String, keeping kept: Unicode.Scalar? = nil) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E || UInt32(byte) == kept?.value
            if unreserved {
                out.append(Character(UnicodeScalar(byte)))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
