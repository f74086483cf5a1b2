import DroverCache
import DroverHTTPClient
import DroverHTTPHandler
import DroverQueue
import DroverRAGRedis
import DroverRedis
import DroverTestSupport
import DroverWorker

/// A stand-in upstream RAG service and a real redis-server for the shared tier; each `worker()`
/// is what one worker process holds: its own L1 and Redis connection over the shared L2.
struct UpstreamCacheFixture {
    let server: OpenAIStandInServer
    let client: HTTPClient
    let redis: RedisServer
    /// A connection of the test's own, to look at and damage what the shared tier holds.
    let admin: RedisClient
    let context = JobContext { _ in }

    /// Runs `body` against a fresh stand-in and redis-server, and stops both whatever happens.
    static func run(_ body: (UpstreamCacheFixture) async throws -> Void) async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        try await withStandInServer { server, client in
            try await body(UpstreamCacheFixture(server: server, client: client, redis: redis, admin: RedisClient(url: redis.url)))
        }
    }

    func worker(redisOptions: RedisOptions = .init()) -> UpstreamCache {
        UpstreamCache(tiers: TwoTierCache(l1Bytes: 1 << 20, shared: RedisRAGStore(client: RedisClient(url: redis.url, options: redisOptions))))
    }

    func handler(_ path: String, _ cache: UpstreamCache) throws -> HTTPUpstreamHandler {
        try HTTPUpstreamHandler(url: server.url(path), client: client, cache: cache)
    }

    /// A fresh job (new id) of `type` with `payload`.
    func job(_ type: JobType, _ payload: JSONValue) -> Job {
        Job(id: JobID.generate(for: type, millisecondsSinceEpoch: 1_700_000_000_000), priority: .normal, payload: payload,
            timeoutMs: 30_000, retries: 3, attempt: 1, createdAtMicros: 0)
    }

    func run(_ handler: HTTPUpstreamHandler, _ type: JobType, _ payload: JSONValue) async throws -> JSONValue {
        try await handler.handle(job(type, payload), context: context)
    }

    /// Requests the upstream has received on `path`.
    func calls(_ path: String) -> Int {
        server.requests.filter { $0.path == path }.count
    }

    /// The keys of every upstream answer in the shared tier.
    func sharedKeys() async throws -> [String] {
        return (try await admin.send(["KEYS", "*:cache:u:*"]).array ?? []).compactMap(\.string)
    }

    /// Overwrites every upstream answer in the shared tier with `bytes`, keeping a day to live.
    func damageSharedEntries(with bytes: String) async throws {
        for key in try await sharedKeys() {
            _ = try await admin.send(["SET", key, bytes, "EX", "86400"])
        }
    }

    /// Seconds the single shared entry has left to live.
    func sharedEntryTTL() async throws -> Int64? {
        let keys = try await sharedKeys()
        guard keys.count == 1 else { return nil }
        return try await admin.send(["TTL", keys[0]]).int
    }
}
