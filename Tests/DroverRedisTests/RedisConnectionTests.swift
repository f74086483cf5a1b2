import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis connections: authentication, databases, transports")
struct RedisConnectionTests {
    @Test func theRightPasswordLogsIn() async throws {
        let server = try await RedisServer(requirePass: "s3cret/with@odd&chars")
        defer { server.stop() }
        #expect(try await RedisClient(url: server.url).send(["PING"]) == .status("PONG"))
        // The URL text (password percent-encoded) works as well as the value.
        let parsed = try RedisURL(parsing: server.urlString)
        #expect(parsed == server.url)
        #expect(try await RedisClient(url: parsed).send(["PING"]) == .status("PONG"))
        // Redis 6+ ACL form: AUTH default <password>.
        let withUser = RedisURL(endpoint: server.url.endpoint, username: "default", password: server.password)
        #expect(try await RedisClient(url: withUser).send(["PING"]) == .status("PONG"))
    }

    @Test func aWrongPasswordFailsAtOnceWithAClearError() async throws {
        let server = try await RedisServer(requirePass: "s3cret")
        defer { server.stop() }
        let wrong = RedisURL(endpoint: server.url.endpoint, password: "guess")
        let client = RedisClient(url: wrong, options: quickFailOptions(attempts: 8))
        let error = await redisError { _ = try await client.send(["PING"]) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("authentication") == true)
        #expect(error?.message.contains("WRONGPASS") == true)
        #expect(error?.message.contains("guess") == false)
    }

    @Test func noPasswordForAProtectedServerIsAServerError() async throws {
        let server = try await RedisServer(requirePass: "s3cret")
        defer { server.stop() }
        let anonymous = RedisURL(endpoint: server.url.endpoint)
        let error = await redisError { _ = try await RedisClient(url: anonymous).send(["GET", "k"]) }
        #expect(error?.code == .serverError)
        #expect(error?.message.hasPrefix("NOAUTH") == true)
    }

    @Test func databasesAreIsolatedAndKeptAcrossReconnects() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let zero = RedisClient(url: server.url)
        let three = RedisClient(url: RedisURL(endpoint: server.url.endpoint, database: 3))
        #expect(try await three.send(["SET", "k", "in-three"]) == .status("OK"))
        #expect(try await zero.send(["GET", "k"]) == .null)
        #expect(try await three.send(["GET", "k"]) == .text("in-three"))

        // Kill the db-3 connection from the server side; the replacement must SELECT 3 again.
        let id = try await three.send(["CLIENT", "ID"])
        var kill = RedisCommand("CLIENT")
        kill.append("KILL")
        kill.append("ID")
        kill.append(id.int ?? -1)
        #expect(try await zero.send(kill) == .integer(1))
        #expect(try await three.send(["GET", "k"]) == .text("in-three"))
        #expect(try await three.send(["CLIENT", "ID"]) != id)
    }

    @Test func aDatabaseOutOfRangeIsAClearError() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: RedisURL(endpoint: server.url.endpoint, database: 999), options: quickFailOptions())
        let error = await redisError { _ = try await client.send(["PING"]) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("SELECT 999") == true)
    }

    @Test func tcpOnLoopbackWorksLikeTheUnixSocket() async throws {
        let server = try await RedisServer(requirePass: "pw", tcp: true)
        defer { server.stop() }
        guard case .tcp(let host, let port) = server.url.endpoint else {
            Issue.record("expected a TCP URL, got \(server.url)")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(port == server.port)
        let client = RedisClient(url: try RedisURL(parsing: server.urlString))
        try await client.connect()
        #expect(try await client.send(["SET", "k", "v"]) == .status("OK"))
        #expect(try await client.send(["GET", "k"]) == .text("v"))
    }

    @Test func anUnreachableServerFailsAfterTheConfiguredAttempts() async throws {
        let client = RedisClient(url: RedisURL(endpoint: .unix(path: "/nonexistent/redis.sock")), options: quickFailOptions(attempts: 3))
        let error = await redisError { try await client.connect() }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("after 3 connect attempts") == true)
        #expect(error?.message.contains("/nonexistent/redis.sock") == true)
    }

    @Test func aClosedClientRefusesFurtherCalls() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        #expect(try await client.send(["PING"]) == .status("PONG"))
        await client.close()
        let error = await redisError { _ = try await client.send(["PING"]) }
        #expect(error?.code == .connectionLost)
        #expect(error?.message.contains("closed") == true)
    }
}
