import DroverCache
import DroverHTTPClient
import DroverHTTPHandler
import DroverQueue
import DroverRedis
import DroverWorker
import Testing

/// The `http` handler's answers through the two-tier cache: a stand-in upstream on loopback that
/// counts its calls, and a real redis-server as the shared tier.
@Suite("HTTP upstream handler cache", .serialized)
struct HTTPUpstreamCacheTests {
    let search = JSONValue.object(["query": .string("what is drover?"), "userId": .string("u1")])

    @Test("a repeated search is answered once by the upstream, then from the worker's L1")
    func repeatedSearchFromL1() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let cache = fixture.worker()
            let handler = try fixture.handler("/upstream/echo", cache)
            let first = try await fixture.run(handler, .search, search)
            let second = try await fixture.run(handler, .search, search)
            #expect(second == first)  // the first job's id in it: the upstream was not asked again
            #expect(fixture.calls("/upstream/echo") == 1)
            let counts = cache.tiers.counters.snapshot
            #expect(counts.l1Hits == 1 && counts.l1Misses == 1 && counts.l2Misses == 1 && counts.l2Hits == 0)
        }
    }

    @Test("a second worker, with an L1 of its own, gets the answer from the shared L2")
    func secondWorkerFromL2() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let first = try await fixture.run(try fixture.handler("/upstream/echo", fixture.worker()), .search, search)
            let other = fixture.worker()
            #expect(try await fixture.run(try fixture.handler("/upstream/echo", other), .search, search) == first)
            #expect(fixture.calls("/upstream/echo") == 1)
            #expect(other.tiers.counters.snapshot.l2Hits == 1)
        }
    }

    @Test("an index job forwarded to an upstream retires its cached answers on every worker; index jobs are never cached")
    func indexInvalidates() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let (a, b) = (fixture.worker(), fixture.worker())
            let searchA = try fixture.handler("/upstream/echo", a), searchB = try fixture.handler("/upstream/echo", b)
            let first = try await fixture.run(searchA, .search, search)
            #expect(try await fixture.run(searchB, .search, search) == first)
            #expect(fixture.calls("/upstream/echo") == 1)

            // The service's index endpoint differs from its search endpoint; the service is the same.
            let index = try fixture.handler("/upstream/echo?endpoint=index", a)
            let documents = JSONValue.object(["documents": .array([.object(["id": .string("d1"), "text": .string("new")])])])
            _ = try await fixture.run(index, .index, documents)
            _ = try await fixture.run(index, .index, documents)
            #expect(fixture.calls("/upstream/echo") == 3)  // both index jobs reached the upstream

            let afterA = try await fixture.run(searchA, .search, search)
            #expect(afterA != first)
            #expect(fixture.calls("/upstream/echo") == 4)
            #expect(try await fixture.run(searchB, .search, search) == afterA)  // the new answer, shared again
            #expect(fixture.calls("/upstream/echo") == 4)
        }
    }

    @Test("an index job to another upstream service leaves this one's answers cached")
    func otherServicesIndexKeepsAnswers() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let cache = fixture.worker()
            let handler = try fixture.handler("/upstream/echo", cache)
            _ = try await fixture.run(handler, .search, search)
            let elsewhere = try HTTPUpstreamHandler(url: "http://127.0.0.1:1/index", client: fixture.client, cache: cache)
            await #expect(throws: JobFailure.self) { _ = try await fixture.run(elsewhere, .index, .object([:])) }
            _ = try await fixture.run(handler, .search, search)
            #expect(fixture.calls("/upstream/echo") == 1)
        }
    }

    @Test("an answer that says no-store, no-cache, private or max-age=0 is not stored",
          arguments: ["no-store", "no-cache", "private", "max-age=0", "max-age=soon"])
    func cacheControlForbids(_ directive: String) async throws {
        try await UpstreamCacheFixture.run { fixture in
            let handler = try fixture.handler("/upstream/echo?cache-control=\(directive)", fixture.worker())
            _ = try await fixture.run(handler, .search, search)
            _ = try await fixture.run(handler, .search, search)
            #expect(fixture.calls("/upstream/echo") == 2)
            #expect(try await fixture.sharedKeys().isEmpty)
        }
    }

    @Test("an answer lives for its type's lifetime, or for the upstream's max-age when that is shorter",
          arguments: [("search", "", 3_600), ("ask", "", 1_800), ("batch", "", 3_600), ("search", "max-age=60", 60), ("ask", "public,s-maxage=90,max-age=5000", 90)])
    func lifetimes(_ type: String, _ cacheControl: String, _ seconds: Int) async throws {
        try await UpstreamCacheFixture.run { fixture in
            let handler = try fixture.handler("/upstream/echo?cache-control=\(cacheControl)", fixture.worker())
            _ = try await fixture.run(handler, try #require(JobType(rawValue: type)), search)
            let ttl = try #require(try await fixture.sharedEntryTTL())
            #expect(ttl <= seconds && ttl > seconds - 30)
        }
    }

    @Test("a failed answer is never cached", arguments: [503, 404])
    func failuresNotCached(_ status: Int) async throws {
        try await UpstreamCacheFixture.run { fixture in
            let handler = try fixture.handler("/upstream/status?code=\(status)", fixture.worker())
            for _ in 0..<2 {
                await #expect(throws: JobFailure.self) { _ = try await fixture.run(handler, .search, search) }
            }
            #expect(fixture.calls("/upstream/status") == 2)
            #expect(try await fixture.sharedKeys().isEmpty)
        }
    }

    @Test("another caller, payload or upstream never shares an entry")
    func keysSeparate() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let cache = fixture.worker()
            let here = try fixture.handler("/upstream/echo", cache), there = try fixture.handler("/upstream/echo?service=2", cache)
            let otherUser = JSONValue.object(["query": .string("what is drover?"), "userId": .string("u2")])
            let otherQuery = JSONValue.object(["query": .string("what is drover? "), "userId": .string("u1")])
            for (handler, payload) in [(here, search), (here, otherUser), (here, otherQuery), (there, search)] {
                _ = try await fixture.run(handler, .search, payload)
            }
            _ = try await fixture.run(here, .ask, search)  // same payload, another type
            #expect(fixture.calls("/upstream/echo") == 5)
            // Key order in the payload does not matter.
            let reordered = try JSONValue(parsing: #"{"userId": "u1", "query": "what is drover?"}"#)
            _ = try await fixture.run(here, .search, reordered)
            #expect(fixture.calls("/upstream/echo") == 5)
        }
    }

    @Test(#"a payload with "cache": false skips the lookup and refreshes the entry; a "cache" that is not a boolean is refused"#)
    func bypass() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let handler = try fixture.handler("/upstream/echo", fixture.worker())
            _ = try await fixture.run(handler, .search, search)
            var fresh = search
            if case .object(var members) = fresh { members["cache"] = .bool(false); fresh = .object(members) }
            let refreshed = try await fixture.run(handler, .search, fresh)
            #expect(fixture.calls("/upstream/echo") == 2)
            #expect(try await fixture.run(handler, .search, search) == refreshed)
            #expect(fixture.calls("/upstream/echo") == 2)

            var bad = search
            if case .object(var members) = bad { members["cache"] = .string("no"); bad = .object(members) }
            do {
                _ = try await fixture.run(handler, .search, bad)
                Issue.record("a non-boolean cache field was accepted")
            } catch let failure as JobFailure {
                #expect(!failure.retryable && failure.message.contains("cache"))
            }
            #expect(fixture.calls("/upstream/echo") == 2)
        }
    }

    @Test("a damaged shared entry is a miss and is replaced, not served",
          arguments: ["\u{1}not json at all", #"{"request": "another request", "result": {"hits": []}}"#, #"[1, 2]"#])
    func damagedSharedEntry(_ damage: String) async throws {
        try await UpstreamCacheFixture.run { fixture in
            _ = try await fixture.run(try fixture.handler("/upstream/echo", fixture.worker()), .search, search)
            try await fixture.damageSharedEntries(with: damage)
            let other = fixture.worker()
            let handler = try fixture.handler("/upstream/echo", other)
            let answer = try await fixture.run(handler, .search, search)
            #expect(answer["echo"] == search)
            #expect(fixture.calls("/upstream/echo") == 2)
            #expect(other.tiers.counters.snapshot.l2Misses == 1)
            // Replaced: a third worker is served from L2 again.
            let third = fixture.worker()
            #expect(try await fixture.run(try fixture.handler("/upstream/echo", third), .search, search) == answer)
            #expect(fixture.calls("/upstream/echo") == 2)
        }
    }

    @Test("a damaged generation counter: answers go uncached, and an index that cannot retire them fails, retryable")
    func damagedGeneration() async throws {
        try await UpstreamCacheFixture.run { fixture in
            let cache = fixture.worker()
            let index = try fixture.handler("/upstream/echo?endpoint=index", cache)
            let documents = JSONValue.object(["documents": .array([.object(["id": .string("d1"), "text": .string("t")])])])
            _ = try await fixture.run(index, .index, documents)
            let counters = try #require(try await fixture.admin.send(["KEYS", "*:generation:upstream:*"]).array?.compactMap(\.string))
            try #require(counters.count == 1)
            _ = try await fixture.admin.send(["SET", counters[0], "not a number"])

            let handler = try fixture.handler("/upstream/echo", cache)
            for _ in 0..<2 { #expect(try await fixture.run(handler, .search, search)["echo"] == search) }
            #expect(fixture.calls("/upstream/echo") == 3)  // the index, then both searches: nothing cached
            #expect(cache.tiers.counters.snapshot.l2Errors >= 2)
            #expect(try await fixture.sharedKeys().isEmpty)

            do {
                _ = try await fixture.run(index, .index, documents)
                Issue.record("an index whose cached answers cannot be retired must fail")
            } catch let failure as JobFailure {
                #expect(failure.retryable && failure.message.contains("could not be retired"))
            }
            #expect(fixture.calls("/upstream/echo") == 4)  // it did reach the upstream
        }
    }

    @Test("with the shared tier gone, jobs are still answered by the upstream, uncached")
    func redisDown() async throws {
        try await UpstreamCacheFixture.run { fixture in
            var quick = RedisOptions()
            quick.reconnectAttempts = 1  // the server is gone for good; no need to wait for it
            let cache = fixture.worker(redisOptions: quick)
            let handler = try fixture.handler("/upstream/echo", cache)
            fixture.redis.stop()
            for _ in 0..<2 { #expect(try await fixture.run(handler, .search, search)["echo"] == search) }
            #expect(fixture.calls("/upstream/echo") == 2)
            #expect(cache.tiers.counters.snapshot.l2Errors >= 2)
        }
    }
}
