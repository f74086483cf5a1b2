import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis Lua scripts")
struct RedisScriptTests {
    static let incrementBy = RedisScript(name: "incrementBy", source: """
        -- KEYS[1]: the counter; ARGV[1]: the amount
        return redis.call('INCRBY', KEYS[1], ARGV[1])
        """)
    static let echo = RedisScript(name: "echo", source: "return {KEYS[1], ARGV[1], ARGV[2]}")
    static let fails = RedisScript(name: "fails", source: "return redis.error_reply('STALE lease taken')")

    @Test func evaluateRunsTheScriptWithKeysAndArguments() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        var arguments = RedisCommand()
        arguments.append([0, 1, 2] as [UInt8])
        arguments.append("two")
        let reply = try await client.evaluate(Self.echo, keys: ["k"], arguments: arguments)
        #expect(reply == .array([.text("k"), .string([0, 1, 2]), .text("two")]))
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["5"]) == .integer(5))
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["5"]) == .integer(10))
    }

    @Test func theLocalSHA1IsTheOneRedisFilesTheScriptUnder() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        for script in [Self.incrementBy, Self.echo, Self.fails] {
            #expect(try await client.send(["SCRIPT", "LOAD", script.source]) == .text(script.sha1))
        }
    }

    @Test func theLocalSHA1IsRedisSHA1HexForEveryPaddingCase() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        // Lengths around the 55/56 and 64-byte block edges, where the padding spills into a second block.
        let ascii = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1_000].map { length in
            String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
        }
        for text in ascii + ["{\"q\":\"héllo wörld ✓\"}"] {
            let reply = try await client.send(["EVAL", "return redis.sha1hex(ARGV[1])", "0", text])
            #expect(reply == .text(SHA1.hexDigest(of: text)), "\(text.utf8.count) bytes")
            #expect(SHA1.hexDigest(of: Array(text.utf8)) == SHA1.hexDigest(of: text))
        }
    }

    @Test func aFlushedScriptIsReloadedAndRunsOnce() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let admin = RedisClient(url: server.url)
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["1"]) == .integer(1))
        #expect(try await admin.send(["SCRIPT", "FLUSH"]) == .status("OK"))
        // The client still believes the script is loaded: EVALSHA gets NOSCRIPT, then it loads and re-sends.
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["1"]) == .integer(2))
        #expect(try await admin.send(["GET", "n"]) == .text("2"))
    }

    @Test func aPipelineReSendsOnlyTheCallsThatGotNOSCRIPT() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let admin = RedisClient(url: server.url)
        let other = RedisScript(name: "other", source: "return redis.call('INCRBY', KEYS[1], ARGV[1]) -- other")
        _ = try await client.evaluatePipeline([
            (script: Self.incrementBy, keys: ["a"], arguments: ["0"]),
            (script: other, keys: ["b"], arguments: ["0"]),
        ])
        // Now only `incrementBy` is on the server, while the client believes both are.
        _ = try await admin.send(["SCRIPT", "FLUSH"])
        _ = try await admin.send(["SCRIPT", "LOAD", Self.incrementBy.source])

        let replies = try await client.evaluatePipeline([
            (script: Self.incrementBy, keys: ["a"], arguments: ["1"]),
            (script: other, keys: ["b"], arguments: ["10"]),
            (script: Self.fails, keys: [], arguments: RedisCommand()),
            (script: Self.incrementBy, keys: ["a"], arguments: ["1"]),
            (script: other, keys: ["b"], arguments: ["10"]),
        ])
        #expect(replies == [.integer(1), .integer(10), .error("STALE lease taken"), .integer(2), .integer(20)])
        // Each call ran exactly once: a re-sent call would have counted twice.
        #expect(try await admin.send(["GET", "a"]) == .text("2"))
        #expect(try await admin.send(["GET", "b"]) == .text("20"))
    }

    @Test func aScriptErrorIsThrownWithTheServersMessage() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let error = await redisError { _ = try await client.evaluate(Self.fails, keys: [], arguments: RedisCommand()) }
        #expect(error == RedisError(.serverError, "STALE lease taken"))
        let runtime = RedisScript(name: "wrongType", source: "return redis.call('LPUSH', KEYS[1], 'x') + redis.call('GET', KEYS[1])")
        let runtimeError = await redisError { _ = try await client.evaluate(runtime, keys: ["k"], arguments: RedisCommand()) }
        #expect(runtimeError?.code == .serverError)
        #expect(runtimeError?.message.contains("WRONGTYPE") == true)
    }

    @Test func aScriptThatDoesNotCompileReportsItsNameForEveryCall() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let broken = RedisScript(name: "broken", source: "return (((")
        let replies = try await client.evaluatePipeline([
            (script: broken, keys: [], arguments: RedisCommand()),
            (script: Self.incrementBy, keys: ["n"], arguments: ["3"]),
            (script: broken, keys: [], arguments: RedisCommand()),
        ])
        #expect(replies.count == 3)
        for index in [0, 2] {
            guard case .error(let message) = replies[index] else {
                Issue.record("expected a compile error, got \(replies[index])")
                continue
            }
            #expect(message.contains("script broken"))
        }
        #expect(replies[1] == .integer(3))
        let error = await redisError { _ = try await client.evaluate(broken, keys: [], arguments: RedisCommand()) }
        #expect(error?.code == .serverError)
        #expect(error?.message.contains("broken") == true)
    }

    @Test func scriptsAreLoadedAgainOnANewConnection() async throws {
        let server = try await RedisServer(appendOnly: true)
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["1"]) == .integer(1))
        // A restarted server has an empty script cache; the new connection loads before EVALSHA.
        try await server.restart()
        #expect(try await client.evaluate(Self.incrementBy, keys: ["n"], arguments: ["1"]) == .integer(2))
    }
}
