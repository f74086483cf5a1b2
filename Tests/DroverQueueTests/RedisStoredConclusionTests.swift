import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Testing

/// Sync answers read a job's status, result and error back from Redis; these damage what is
/// stored there behind the queue's back, as a bad deploy or a hand edit might.
@Suite("Redis queue: conclusions read from damaged job hashes")
struct RedisStoredConclusionTests {
    @Test func aStoredResultThatIsNotJSONReadsAsNoResultAndTheOtherJobsStillAnswer() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let raw = RedisClient(url: redis.url)
        let ids = try await queue.enqueue([request(), request()]).map(\.id)
        _ = try await raw.send(["HSET", "drover:{rag:noop}:job:\(ids[0].rawValue)", "st", "completed", "res", "{not json", "err", "e"])
        let found = try await queue.conclusions(of: ids)
        #expect(found[0] == JobConclusion(status: .completed, result: nil, error: "e"))
        #expect(found[1] == JobConclusion(status: .waiting, result: nil, error: nil))
        // Read as the whole record reads them.
        let record = try #require(try await queue.job(ids[0]))
        #expect(found[0] == JobConclusion(status: record.status, result: record.result, error: record.error))
        await raw.close()
        await queue.close()
    }

    @Test func aJobKeyThatIsNoLongerAHashIsAClearErrorNotACrash() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let raw = RedisClient(url: redis.url)
        let id = try await queue.enqueue([request()])[0].id
        _ = try await raw.send(["DEL", "drover:{rag:noop}:job:\(id.rawValue)"])
        _ = try await raw.send(["SET", "drover:{rag:noop}:job:\(id.rawValue)", "a string"])
        do {
            _ = try await queue.conclusions(of: [id])
            Issue.record("a job key of the wrong type must fail the read")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("unexpected HMGET reply"))
        }
        await raw.close()
        await queue.close()
    }
}
