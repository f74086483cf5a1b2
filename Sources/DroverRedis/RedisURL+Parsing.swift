extension RedisURL {
    /// Parses `redis://…` or `unix://…`; every malformed part is named in the thrown `.invalidURL` error.
    public init(parsing text: String) throws(RedisError) {
        func fail(_ reason: String) -> RedisError {
            RedisError(.invalidURL, "invalid Redis URL \(Self.redacted(text)): \(reason)")
        }
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw fail("expected redis://host:port/db or unix:///path/to.sock")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        if rest.contains("#") { throw fail("a fragment (#…) is not allowed") }
        switch scheme {
        case "redis":
            self = try Self.parseTCP(rest, fail: fail)
        case "unix":
            self = try Self.parseUnix(rest, fail: fail)
        case "rediss":
            throw fail("rediss:// (TLS) is not supported; use redis:// or a unix:// socket")
        default:
            throw fail("unsupported scheme \"\(scheme)\"; expected redis:// or unix://")
        }
    }

    private static func parseTCP(_ rest: Substring, fail: (String) -> RedisError) throws(RedisError) -> RedisURL {
        if rest.contains("?") { throw fail("query parameters are only supported for unix:// URLs") }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]

        var username: String?
        var password: String?
        // The last "@" ends the user info, so an unencoded "@" inside a password still parses.
        if let at = authority.lastIndex(of: "@") {
            (username, password) = try parseUserInfo(authority[..<at], fail: fail)
            authority = authority[authority.index(after: at)...]
        }

        let host: String
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("unterminated IPv6 address (missing ])") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected \"\(after)\" after the IPv6 address") }
                portText = after.dropFirst()
            }
            if host.isEmpty { throw fail("empty IPv6 address") }
        } else {
            if authority.count(where: { $0 == ":" }) > 1 {
                throw fail("an IPv6 host must be written in brackets, e.g. [::1]")
            }
            if let colon = authority.firstIndex(of: ":") {
                host = String(authority[..<colon])
                portText = authority[authority.index(after: colon)...]
            } else {
                host = String(authority)
            }
        }
        if host.isEmpty { throw fail("missing host") }

        var port = defaultPort
        if let portText {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portText), (1...65_535).contains(value)
            else {
                throw fail("port \"\(portText)\" is not a number in 1…65535")
            }
            port = value
        }

        var database = 0
        let dbText = path.dropFirst()  // the leading "/"
        if !dbText.isEmpty {
            guard !dbText.contains("/") else { throw fail("the path must be a database number, e.g. /0") }
            database = try parseDatabase(dbText, fail: fail)
        }
        return RedisURL(endpoint: .tcp(host: host, port: port), username: username, password: password, database: database)
    }

    private static func parseUnix(_ rest: Substring, fail: (String) -> RedisError) throws(RedisError) -> RedisURL {
        var location = rest
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            location = rest[..<mark]
            query = rest[rest.index(after: mark)...]
        }
        var username: String?
        var password: String?
        // unix://user:pass@/path — the user info ends at the "@" before the path's first "/".
        if let at = location.firstIndex(of: "@"), !location[..<at].contains("/") {
            (username, password) = try parseUserInfo(location[..<at], fail: fail)
            location = location[location.index(after: at)...]
        }
        guard location.hasPrefix("/") else {
            throw fail("a unix:// URL needs an absolute socket path, e.g. unix:///run/redis.sock")
        }
        let path = try percentDecoded(location, what: "socket path", fail: fail)
        if path == "/" { throw fail("missing socket path") }

        var database = 0
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            switch name {
            case "db": database = try parseDatabase(value, fail: fail)
            case "password": password = try percentDecoded(value, what: "password", fail: fail)
            case "username": username = try percentDecoded(value, what: "username", fail: fail)
            default: throw fail("unknown query parameter \"\(name)\"; expected db, password or username")
            }
        }
        return RedisURL(endpoint: .unix(path: path), username: username, password: password, database: database)
    }

    /// `user:pass` → both; `:pass` → password only; `pass` → password only (as redis-cli reads it).
    private static func parseUserInfo(
        _ info: Substring, fail: (String) -> RedisError
    ) throws(RedisError) -> (String?, String?) {
        if let colon = info.firstIndex(of: ":") {
            let user = try percentDecoded(info[..<colon], what: "username", fail: fail)
            let pass = try percentDecoded(info[info.index(after: colon)...], what: "password", fail: fail)
            return (user.isEmpty ? nil : user, pass)
        }
        let pass = try percentDecoded(info, what: "password", fail: fail)
        return (nil, pass.isEmpty ? nil : pass)
    }

    private static func parseDatabase(_ text: Substring, fail: (String) -> RedisError) throws(RedisError) -> Int {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            throw fail("database \"\(text)\" is not a non-negative integer")
        }
        return value
    }

    static func percentDecoded(
        _ text: Substring, what: String, fail: (String) -> RedisError
    ) throws(RedisError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw fail("bad percent-escape in the \(what); expected %XX with two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw fail("the \(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The input with any user info masked, so a bad URL can be echoed in an error without leaking a password.
    private static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return "\"\(text)\"" }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var masked = text
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            masked = String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
        }
        if let query = masked.firstIndex(of: "?"), masked[query...].contains("password=") {
            masked = String(masked[..<query]) + "?…"
        }
        return "\"\(masked)\""
    }
}
