import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport

/// Runs `body` with a Redis queue on a fresh redis-server and a raw client to the same server, for
/// tests that look at, or edit, the queue's keys behind its back; stops both afterwards.
func withRedisQueue(policy: QueuePolicy = QueuePolicy(), _ body: (RedisJobQueue, RedisClient) async throws -> Void) async throws {
    let redis = try await RedisServer()
    defer { redis.stop() }
    let queue = RedisJobQueue(url: redis.url, policy: policy)
    let raw = RedisClient(url: redis.url)
    do {
        try await body(queue, raw)
    } catch {
        await raw.close()
        await queue.close()
        throw error
    }
    await raw.close()
    await queue.close()
}
