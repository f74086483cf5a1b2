import DroverHTTPClient
import Testing

@Suite("HTTP URLs")
struct HTTPURLTests {
    @Test("a plain http URL gives host, port and target")
    func parsesPlainURL() throws {
        let url = try HTTPURL(parsing: "http://Example.com:8080/api/rag/noop?mode=sync#frag")
        #expect(url.host == "example.com")
        #expect(url.port == 8080)
        #expect(url.target == "/api/rag/noop?mode=sync")
        #expect(url.hostHeader == "example.com:8080")
    }

    @Test("a base URL gets the root path and port 80; IPv6 goes in brackets")
    func defaultsAndIPv6() throws {
        let base = try HTTPURL(parsing: "http://127.0.0.1")
        #expect(base.port == 80 && base.target == "/" && base.hostHeader == "127.0.0.1")
        let v6 = try HTTPURL(parsing: "http://[::1]:9000?x=1")
        #expect(v6.host == "::1" && v6.port == 9000 && v6.target == "/?x=1" && v6.hostHeader == "[::1]:9000")
    }

    @Test("https is refused plainly: this client has no TLS")
    func refusesHTTPS() {
        #expect {
            try HTTPURL(parsing: "https://example.com/")
        } throws: { error in
            guard let error = error as? HTTPClientError else { return false }
            return error.code == .unsupportedScheme && error.message.contains("TLS")
        }
    }

    @Test("bad URLs get invalidURL with the reason", arguments: [
        "example.com/path", "http://", "http://:80/", "http://host:0/", "http://host:70000/", "http://host:abc/",
        "http://user@host/", "http://[::1/", "http://::1/", "http://ho st/", "http://host/pa th", "http://exa\u{7F}mple/",
    ])
    func refusesBadURLs(text: String) {
        #expect {
            try HTTPURL(parsing: text)
        } throws: { error in
            (error as? HTTPClientError)?.code == .invalidURL
        }
    }

    @Test("other schemes are unsupported, not invalid")
    func refusesOtherSchemes() {
        #expect(throws: HTTPClientError.self) { try HTTPURL(parsing: "ftp://host/") }
    }
}
