/// An `http://host[:port]/path?query` URL, parsed strictly: what this client can call.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// The host as written, without IPv6 brackets, lowercased.
    public let host: String
    public let port: Int
    /// Path and query, starting with `/`.
    public let target: String

    /// Parses `text`; `https://` is refused because this client has no TLS.
    public init(parsing text: String) throws(HTTPClientError) {
        func invalid(_ why: String) -> HTTPClientError {
            HTTPClientError(.invalidURL, "\"\(text.prefix(200))\" is not a usable URL: \(why)")
        }
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            throw invalid("it has no scheme (expected http://host:port/path)")
        }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" else {
            if scheme == "https" {
                throw HTTPClientError(.unsupportedScheme, "https is not supported: this client speaks plain HTTP/1.1 only, without TLS (\(text.prefix(200)))")
            }
            throw HTTPClientError(.unsupportedScheme, "scheme \"\(scheme)\" is not supported; only http:// is")
        }
        guard !text.unicodeScalars.contains(where: Self.isForbidden) else {
            throw invalid("it contains whitespace or control characters")
        }
        let rest = text[text.index(colon, offsetBy: 3)...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") { target = String(target[..<fragment]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.contains("@") else { throw invalid("user information (user@host) is not supported") }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("an IPv6 address lacks its closing ]") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
            guard !hostPart.contains(":") else { throw invalid("an IPv6 address must be in brackets") }
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw invalid("it names no host") }
        guard hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:%".contains($0)) }) else {
            throw invalid("the host \"\(hostPart)\" contains characters a host name cannot have")
        }
        var port = 80
        if let portPart {
            guard let value = Int(portPart), (1...65_535).contains(value) else {
                throw invalid("the port \"\(portPart)\" is not a number in 1...65535")
            }
            port = value
        }
        self.host = hostPart.lowercased()
        self.port = port
        self.target = target
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
    }

    /// The value of the `Host` header: the port is left out when it is 80.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    public var description: String { "http://\(hostHeader)\(target)" }
}
