import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis pipelines")
struct RedisPipelineTests {
    @Test func repliesComeBackInOrderWithAnErrorInItsPlace() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let replies = try await client.pipeline([
            ["SET", "a", "1"],
            ["INCR", "a"],
            ["LPUSH", "a", "x"],
            ["GET", "a"],
            ["INCRBY", "a", "5"],
        ])
        #expect(replies.count == 5)
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .integer(2))
        #expect(replies[2].string?.hasPrefix("WRONGTYPE") == true)
        if case .error = replies[2] {} else { Issue.record("expected an error value, got \(replies[2])") }
        #expect(replies[3] == .text("2"))
        #expect(replies[4] == .integer(7))
    }

    @Test func tenThousandCommandsInOneCallAllAnswerInOrder() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let commands = (0..<10_000).map { _ in ["INCR", "counter"] as RedisCommand }
        let replies = try await client.pipeline(commands)
        #expect(replies == (1...10_000).map { .integer(Int64($0)) })
        // Large values in a pipeline: the output buffer and reads span many socket writes.
        let big = [UInt8](repeating: 0x5A, count: 256 * 1024)
        var sets: [RedisCommand] = []
        for index in 0..<20 {
            var set = RedisCommand("SET")
            set.append("big:\(index)")
            set.append(big)
            sets.append(set)
        }
        #expect(try await client.pipeline(sets) == Array(repeating: .status("OK"), count: 20))
        let gets = (0..<20).map { ["GET", "big:\($0)"] as RedisCommand }
        #expect(try await client.pipeline(gets) == Array(repeating: .string(big), count: 20))
    }

    @Test func anEmptyPipelineAnswersNothing() async throws {
        let client = RedisClient(url: RedisURL(endpoint: .unix(path: "/nonexistent/redis.sock")))
        #expect(try await client.pipeline([]) == [])
    }

    @Test func aPipelineWithAnEmptyCommandSendsNothing() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let error = await redisError { _ = try await client.pipeline([["INCR", "n"], [], ["INCR", "n"]]) }
        #expect(error?.code == .protocolError)
        #expect(try await client.send(["GET", "n"]) == .null)
    }
}
