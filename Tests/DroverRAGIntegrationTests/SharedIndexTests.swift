import DroverQueue
import DroverRAG
import DroverRAGRedis
import DroverRedis
import DroverTestSupport
import Testing

/// Two engines on one real redis-server stand for two workers: each has its own connection,
/// in-memory index and L1 cache, and they share only what Redis holds.
@Suite("Shared index in Redis", .serialized)
struct SharedIndexTests {
    @Test("a document indexed by one worker is found by another, and survives a fresh worker")
    func sharedAndDurable() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, _) = workerEngine(redis.url)
        let (b, _) = workerEngine(redis.url)
        let report = try await indexReport(a, documentsPayload([("tar", "tar stores many files in one archive."), ("ls", "ls lists directory contents.")]))
        #expect(report.indexed == 2)
        #expect(hitIDs(try await b.search(RAGQuery(text: "archive many files"))).first == "tar")
        let (fresh, freshStore) = workerEngine(redis.url)
        #expect(hitIDs(try await fresh.search(RAGQuery(text: "list directory"))).first == "ls")
        let state = try #require(try await freshStore.documentState("tar"))
        #expect(state.state == "indexed" && state.chunks == 1 && state.version != nil)
        #expect(try await freshStore.documentState("nope") == nil)
    }

    @Test("stale cache: after an update, the next search on any worker sees the change")
    func updateInvalidatesEveryWorkersCache() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, _) = workerEngine(redis.url)
        let (b, _) = workerEngine(redis.url)
        _ = try await indexReport(a, documentsPayload([("policy", "Refunds are accepted within 14 days of purchase.")]))
        let query = RAGQuery(text: "how many days for refunds")
        for engine in [a, b] {  // warm both tiers on both workers
            _ = try await engine.search(query)
            #expect(hitTexts(try await engine.search(query)).first?.contains("14 days") == true)
        }
        #expect(b.counters.snapshot.l1Hits >= 1)
        _ = try await indexReport(b, documentsPayload([("policy", "Refunds are accepted within 30 days of purchase.")]))
        for engine in [a, b] {
            #expect(hitTexts(try await engine.search(query)).first?.contains("30 days") == true)
        }
        let answer = try await a.ask(query, deadline: .now + .seconds(5))
        #expect(answer["answer"]?.stringValue?.contains("30 days") == true)
    }

    @Test("an invalidation event refreshes an idle worker's index without a search")
    func eventsRefreshIdleWorkers() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, _) = workerEngine(redis.url)
        let (b, bStore) = workerEngine(redis.url)
        let follower = Task { try await RAGInvalidationFollower.follow(engine: b, store: bStore) }
        defer { follower.cancel() }
        try await eventually(timeout: .seconds(60), "b subscribed and loaded the index") { await b.indexVersion >= 0 }
        _ = try await indexReport(a, documentsPayload([("x", "xargs builds command lines from input.")]))
        try await eventually(timeout: .seconds(60), "b's index holds x") { await b.size.documents == 1 }
    }

    @Test("the per-document lock serialises two concurrent index jobs of one document")
    func lockSerialisesConcurrentIndexing() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, _) = workerEngine(redis.url)
        let (b, _) = workerEngine(redis.url)
        // Big enough that chunking and embedding overlap between the two jobs.
        let text = String(repeating: "Locks keep two writers apart. ", count: 20_000)
        async let first = indexReport(a, documentsPayload([("doc", text)]), token: "job-a")
        async let second = indexReport(b, documentsPayload([("doc", text)]), token: "job-b")
        let reports = try await [first, second]
        // Under the lock the second writer re-checks the content hash and finds the first one's commit.
        #expect(reports.map(\.indexed).sorted() == [0, 1])
        #expect(reports.map(\.skipped).sorted() == [0, 1])
        #expect(reports.allSatisfy { $0.failed.isEmpty })
    }

    @Test("a lock held by a crashed worker expires after its TTL")
    func lockExpires() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, store) = workerEngine(redis.url)
        #expect(try await store.lock("doc", token: "crashed", ttlMs: 300))
        #expect(try await !store.lock("doc", token: "other", ttlMs: 300))
        let report = try await indexReport(a, documentsPayload([("doc", "after the crash")]), deadline: .seconds(30))
        #expect(report.indexed == 1)
    }

    @Test("ACL through the shared index: a user never sees a chunk they may not see")
    func aclAcrossWorkers() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let (a, _) = workerEngine(redis.url)
        let (b, _) = workerEngine(redis.url)
        _ = try await indexReport(a, documentsPayload(
            [("pub", "quarterly report summary"), ("fin", "quarterly report with salaries")],
            acl: ["fin": .object(["groups": .array([.string("finance")])])]))
        let options = SearchOptions(topK: 10, perDocument: 5)
        let outsider = try await b.search(RAGQuery(text: "quarterly report salaries", caller: RAGCaller(userID: "eve"), options: options))
        #expect(hitIDs(outsider) == ["pub"])
        let insider = try await b.search(RAGQuery(text: "quarterly report salaries", caller: RAGCaller(userID: "fay", groups: ["finance"]), options: options))
        #expect(Set(hitIDs(insider)) == ["pub", "fin"])
        let answer = try await b.ask(RAGQuery(text: "salaries", caller: RAGCaller(userID: "eve")), deadline: .now + .seconds(5))
        let answerText = answer["answer"]?.stringValue ?? ""
        #expect(answerText.contains("summary"))
        #expect(!answerText.contains("salaries"), "\(answerText)")
    }
}
