import DroverRedis
import DroverRegistry
import DroverSupervisor
import DroverSupervisorCore
import DroverTestSupport
import Testing

@Suite("The pool registry in a real Redis", .serialized)
struct RedisHostRegistryTests {
    static let lifetime = Duration.milliseconds(400)

    func entry(_ instance: String, workers: Int = 2) -> HostEntry {
        HostEntry(instance: instance, workers: (1...workers).map { slot in
            RegisteredWorker(worker: WorkerID(rawValue: "\(instance)-w\(slot).1"), key: "\(instance)-w\(slot)", activeJobs: slot,
                             overloaded: false, routable: slot != 2, breaker: slot == 2 ? "open" : "closed")
        })
    }

    func registry(_ redis: RedisServer, lifetime: Duration = lifetime, claim: Duration = .seconds(30)) -> RedisHostRegistry {
        RedisHostRegistry(url: redis.url, entryLifetime: lifetime, claimLifetime: claim)
    }

    /// Beats `registry` as `own` until `condition` holds of a view, for up to 20 s.
    func beatUntil(_ registry: RedisHostRegistry, _ own: HostEntry, forgetting: [String] = [], _ what: String,
                   _ condition: (RegistryView) -> Bool) async throws -> RegistryView {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let view = try await registry.beat(own, forgetting: forgetting)
            if condition(view) { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    @Test("each host sees the others' workers, not its own")
    func hostsSeeEachOther() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        // Entries that outlive any slow machine's pause between the two beats: expiry is not under test here.
        let a = registry(redis, lifetime: .seconds(60)), b = registry(redis, lifetime: .seconds(60))
        _ = try await a.beat(entry("a"), forgetting: [])
        let view = try await b.beat(entry("b"), forgetting: [])
        #expect(view.live == [entry("a")] && !view.declaredDead)
        #expect(view.orphans.isEmpty && view.rejected.isEmpty)
        #expect(view.remoteCandidates.map(\.worker.rawValue) == ["a-w1.1"])
        #expect(try await a.beat(entry("a"), forgetting: []).live == [entry("b")])
        await a.close()
        await b.close()
    }

    @Test("a host that stops beating is claimed by exactly one survivor, then forgotten")
    func deadHostClaimedOnce() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        // Only c is meant to die: the survivors' entries outlive any pause of a slow machine.
        let a = registry(redis, lifetime: .seconds(60)), b = registry(redis, lifetime: .seconds(60)), c = registry(redis)
        _ = try await c.beat(entry("c"), forgetting: [])
        var claims: [String: Int] = [:]
        let deadline = ContinuousClock.now + .seconds(20)
        // a and b beat side by side until c's entry has expired and been claimed.
        while claims.isEmpty, ContinuousClock.now < deadline {
            async let viewA = a.beat(entry("a"), forgetting: [])
            async let viewB = b.beat(entry("b"), forgetting: [])
            let views = try await [("a", viewA), ("b", viewB)]
            for (name, view) in views where !view.orphans.isEmpty {
                #expect(view.orphans == [entry("c")])
                claims[name, default: 0] += 1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(claims.values.reduce(0, +) == 1, "\(claims)")
        // Asked again after the claim, a survivor sees only the other survivor (the two beats above
        // ran side by side, so the one that did not claim may have looked a moment before expiry).
        #expect(try await a.beat(entry("a"), forgetting: []).live.map(\.instance) == ["b"])
        let claimer = try #require(claims.keys.first)
        // While claimed, nobody else gets it; once forgotten, it is gone for good.
        let other = claimer == "a" ? b : a
        #expect(try await other.beat(entry(claimer == "a" ? "b" : "a"), forgetting: []).orphans.isEmpty)
        _ = try await (claimer == "a" ? a : b).beat(entry(claimer), forgetting: ["c"])
        let client = RedisClient(url: redis.url)
        #expect((try await client.send(["ZSCORE", "drover:{registry}:deadlines", "c"])).isNull)
        #expect((try await client.send(["HLEN", "drover:{registry}:orphans"])).int == 0)
        await client.close()
        for registry in [a, b, c] { await registry.close() }
    }

    @Test("a claim not forgotten in time passes to another survivor")
    func lapsedClaim() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let a = registry(redis, lifetime: .seconds(60), claim: .milliseconds(300)), c = registry(redis)
        _ = try await c.beat(entry("c"), forgetting: [])
        _ = try await beatUntil(a, entry("a"), "c claimed") { $0.orphans == [entry("c")] }
        // a "crashed" while recovering: it never forgets c, so c comes back to whoever beats next.
        _ = try await beatUntil(a, entry("a"), "c claimed again") { $0.orphans == [entry("c")] }
        await a.close()
        await c.close()
    }

    @Test("a host that comes back after being claimed keeps its entry")
    func hostComesBack() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let a = registry(redis, lifetime: .seconds(60)), c = registry(redis)
        _ = try await c.beat(entry("c"), forgetting: [])
        _ = try await beatUntil(a, entry("a"), "c claimed") { !$0.orphans.isEmpty }
        // c comes back, this time with an entry that outlives the rest of the test.
        let back = registry(redis, lifetime: .seconds(60))
        #expect(try await back.beat(entry("c"), forgetting: []).declaredDead)
        #expect(try await back.beat(entry("c"), forgetting: []).declaredDead == false)
        // a's recovery finishes after c came back: forgetting must not drop c's fresh entry.
        let view = try await a.beat(entry("a"), forgetting: ["c"])
        #expect(view.live == [entry("c")])
        let client = RedisClient(url: redis.url)
        #expect((try await client.send(["ZSCORE", "drover:{registry}:deadlines", "c"])).int != nil)
        await client.close()
        await a.close()
        await c.close()
    }

    @Test("a garbage entry in Redis is left out with a reason, then expires like a dead host")
    func garbageEntries() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url)
        // Long lifetimes first, so a slow machine's pause between two beats cannot expire b.
        let a = registry(redis, lifetime: .seconds(60)), b = registry(redis, lifetime: .seconds(60))
        _ = try await b.beat(entry("b"), forgetting: [])
        #expect(try await a.beat(entry("a"), forgetting: []).live == [entry("b")])
        _ = try await client.send(["HSET", "drover:{registry}:hosts", "junk", "{not json", "liar", entry("someone-else").encoded()])
        // b's last beat, with a short lifetime: the garbage it finds gets the same deadline as b.
        let lastBeat = registry(redis)
        let view = try await lastBeat.beat(entry("b"), forgetting: [])
        #expect(view.rejected["junk"]?.contains("not JSON") == true, "\(view.rejected)")
        #expect(view.rejected["liar"]?.contains("filed under liar") == true, "\(view.rejected)")
        // Nobody beats for them: they expire and come back as orphans with no workers to release.
        // b stopped beating too, and went at the same time.
        let claimed = try await beatUntil(a, entry("a"), "garbage claimed") { !$0.orphans.isEmpty }
        #expect(Set(claimed.orphans.map(\.instance)) == ["junk", "liar", "b"])
        #expect(claimed.orphans.filter { $0.instance != "b" }.allSatisfy { $0.workers.isEmpty })
        _ = try await a.beat(entry("a"), forgetting: ["junk", "liar", "b"])
        #expect((try await client.send(["HLEN", "drover:{registry}:orphans"])).int == 0)
        await client.close()
        for registry in [a, b, lastBeat] { await registry.close() }
    }

    @Test("a reply of the wrong shape is an error, not a crash")
    func wrongReply() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url)
        // The hosts key holding a string makes the script fail inside Redis.
        _ = try await client.send(["SET", "drover:{registry}:hosts", "oops"])
        let a = registry(redis)
        await #expect(throws: (any Error).self) { try await a.beat(entry("a"), forgetting: []) }
        await client.close()
        await a.close()
    }
}
