import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis clients under concurrency")
struct RedisConcurrencyTests {
    @Test func blockedClientsDoNotBlockOtherClients() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        // More blocked clients than this 2-core machine has cooperative threads: if hiredis blocked
        // the pool, the pusher below could never run and every pop would time out empty.
        let blockedCount = 6
        let clients = (0..<blockedCount).map { _ in RedisClient(url: server.url) }
        let pusher = RedisClient(url: server.url)
        try await withThrowingTaskGroup(of: (Int, RedisReply).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    (index, try await client.send(["BLPOP", "queue:\(index)", "60"], timeout: .seconds(90)))
                }
            }
            let allBlocked = await eventually {
                (try? await pusher.send(["INFO", "clients"]).string?.contains("blocked_clients:\(blockedCount)")) == true
            }
            #expect(allBlocked)
            for index in 0..<blockedCount {
                _ = try await pusher.send(["RPUSH", "queue:\(index)", "job-\(index)"])
            }
            for try await (index, reply) in group {
                #expect(reply == .array([.text("queue:\(index)"), .text("job-\(index)")]))
            }
        }
    }

    @Test func concurrentCallsOnOneClientEachGetTheirOwnReply() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let replies = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<200 {
                group.addTask { try await client.send(["INCR", "n"]).int }
            }
            var all: [Int64] = []
            for try await reply in group {
                all.append(reply ?? -1)
            }
            return all
        }
        #expect(replies.sorted() == Array(1...200))
    }
}
