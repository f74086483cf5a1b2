import DroverRedis
import Testing

@Suite("Redis URLs")
struct RedisURLTests {
    static let goodURLs: [(String, RedisURL)] = [
        ("redis://localhost", RedisURL(endpoint: .tcp(host: "localhost", port: 6379))),
        ("redis://127.0.0.1:6380/2", RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 6380), database: 2)),
        ("REDIS://Host:1", RedisURL(endpoint: .tcp(host: "Host", port: 1))),
        ("redis://host/", RedisURL(endpoint: .tcp(host: "host", port: 6379))),
        ("redis://user:p%40ss@host:1234/3",
         RedisURL(endpoint: .tcp(host: "host", port: 1234), username: "user", password: "p@ss", database: 3)),
        ("redis://:secret@host", RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "secret")),
        ("redis://secret@host", RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "secret")),
        ("redis://u:p@ss@host", RedisURL(endpoint: .tcp(host: "host", port: 6379), username: "u", password: "p@ss")),
        ("redis://[::1]:7000/1", RedisURL(endpoint: .tcp(host: "::1", port: 7000), database: 1)),
        ("redis://[::1]", RedisURL(endpoint: .tcp(host: "::1", port: 6379))),
        ("unix:///tmp/redis.sock", RedisURL(endpoint: .unix(path: "/tmp/redis.sock"))),
        ("unix:///tmp/redis.sock?db=4", RedisURL(endpoint: .unix(path: "/tmp/redis.sock"), database: 4)),
        ("unix:///tmp/my%20dir/r.sock?db=1&password=p%26w",
         RedisURL(endpoint: .unix(path: "/tmp/my dir/r.sock"), password: "p&w", database: 1)),
        ("unix://:pw@/tmp/r.sock", RedisURL(endpoint: .unix(path: "/tmp/r.sock"), password: "pw")),
        ("unix://me:pw@/tmp/r.sock", RedisURL(endpoint: .unix(path: "/tmp/r.sock"), username: "me", password: "pw")),
        ("unix:///tmp/a@b.sock", RedisURL(endpoint: .unix(path: "/tmp/a@b.sock"))),
    ]

    @Test(arguments: goodURLs)
    func wellFormedURLsParseIntoTheirParts(text: String, expected: RedisURL) throws {
        #expect(try RedisURL(parsing: text) == expected)
    }

    static let badURLs: [(String, String)] = [
        ("rediss://host", "TLS"),
        ("http://host", "unsupported scheme"),
        ("localhost:6379", "expected redis://"),
        ("redis://", "missing host"),
        ("redis://:pw@", "missing host"),
        ("redis://host:0", "port"),
        ("redis://host:65536", "port"),
        ("redis://host:abc", "port"),
        ("redis://host:", "port"),
        ("redis://host:+80", "port"),
        ("redis://host/abc", "database"),
        ("redis://host/-1", "database"),
        ("redis://host/1/2", "database number"),
        ("redis://::1:6379", "brackets"),
        ("redis://[::1", "unterminated"),
        ("redis://[::1]x", "after the IPv6"),
        ("redis://host?db=1", "query"),
        ("redis://host#top", "fragment"),
        ("redis://u:p%zz@host", "percent-escape"),
        ("redis://u:p%4@host", "percent-escape"),
        ("redis://u:%FF@host", "UTF-8"),
        ("unix://", "absolute socket path"),
        ("unix://relative.sock", "absolute socket path"),
        ("unix:///", "missing socket path"),
        ("unix:///tmp/r.sock?db=x", "database"),
        ("unix:///tmp/r.sock?db=", "database"),
        ("unix:///tmp/r.sock?foo=1", "unknown query parameter"),
    ]

    @Test(arguments: badURLs)
    func malformedURLsAreRefusedWithAReason(text: String, reason: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .invalidURL && error.message.contains(reason)
        }
    }

    @Test func descriptionHidesThePassword() throws {
        let tcp = try RedisURL(parsing: "redis://u:hunter2@h:1/2")
        #expect(tcp.description == "redis://u:***@h:1/2")
        let unix = try RedisURL(parsing: "unix:///tmp/r.sock?db=3&password=hunter2")
        #expect(unix.description == "unix:///tmp/r.sock?db=3&password=***")
        let ipv6 = try RedisURL(parsing: "redis://:hunter2@[::1]:7000")
        #expect(ipv6.description == "redis://:***@[::1]:7000")
    }

    @Test func errorsForBadURLsDoNotLeakThePassword() {
        for text in ["redis://u:hunter2@h:99999", "unix:///tmp/r.sock?password=hunter2&bad=1"] {
            #expect {
                try RedisURL(parsing: text)
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.code == .invalidURL && !error.message.contains("hunter2")
            }
        }
    }
}
