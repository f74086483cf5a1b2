import DroverControl
import DroverControlSocket
import DroverPosix
import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve in distributed mode: two hosts on one Redis", .serialized)
struct DistributedServeTests {
    /// Two workers per host; a concurrency no test load reaches, so no worker is ever overloaded
    /// and routing stays a pure function of the pool; short leases, so a dead host's jobs come back soon.
    static let environment = [
        "DROVER_MODE": "distributed",
        "DROVER_SUPERVISOR_CONCURRENCY": "64",
        "DROVER_QUEUES_LEASE_GRACE_MS": "1000",
    ]

    /// Runs `body` against two `drover serve` hosts sharing one redis-server, stopping both after.
    func withTwoHosts(
        overriding extra: [String: String] = [:], _ body: (ServeFixture, ServeFixture) async throws -> Void
    ) async throws {
        let environment = Self.environment.merging(extra) { $1 }
        try await withServe(workers: 2, environment: environment) { a in
            let b = try await ServeFixture.start(workers: 2, environment: environment, sharing: a)
            do {
                try await a.waitForReady(2)
                try await b.waitForReady(2)
                try await body(a, b)
            } catch {
                await b.stop()
                throw error
            }
            await b.stop()
        }
    }

    /// Asks a host's supervisor, over its admin socket, where each user goes.
    func routes(_ users: [String], via serve: ServeFixture) throws -> [String: String] {
        guard case .routes(let routes) = try AdminClient.send(.route(userIDs: users), socketPath: serve.directory + "/run/admin.sock") else {
            return [:]
        }
        return routes
    }

    /// Waits until both hosts route every user to the same worker and use the workers of both.
    ///
    /// Whether the pool has all four workers is asked with 200 extra probe users: the test's own
    /// few users may, by the hash's luck, leave a worker with none, and then a check on them alone
    /// could never come true.
    func waitForOnePool(_ a: ServeFixture, _ b: ServeFixture, users: [String]) async throws {
        let asked = users + (0..<200).map { "pool-probe-\($0)" }
        try await eventually(timeout: .seconds(60), "both hosts route over one pool of four workers") {
            let viaA = try routes(asked, via: a), viaB = try routes(asked, via: b)
            return viaA.count == asked.count && viaA == viaB && Set(viaA.values).count == 4
        }
    }

    func jobFile(users: Int, perUser: Int, sleepMs: Int, name: String, in serve: ServeFixture) throws -> String {
        var lines: [String] = []
        for round in 0..<perUser {
            for user in 0..<users {
                lines.append(#"{"type": "noop", "sleepMs": \#(sleepMs), "timeout": 3000, "userId": "user-\#(user)", "round": \#(round), "via": "\#(name)"}"#)
            }
        }
        let path = serve.directory + "/\(name).ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a user's jobs land on one worker whichever host enqueues them")
    func oneWorkerPerUserAcrossHosts() async throws {
        try await withTwoHosts { a, b in
            // Someone wrote garbage into the registry: both hosts log it once and carry on.
            let client = RedisClient(url: a.redis.url)
            _ = try await client.send(["HSET", "drover:{registry}:hosts", "junk", "{not json"])
            await client.close()
            let users = (0..<40).map { "user-\($0)" }
            try await waitForOnePool(a, b, users: users)
            try await eventually("the garbage entry logged") {
                a.lines("registry entry ignored").count == 1 && b.lines("registry entry ignored").count == 1
            }
            // Worker ids carry each host's instance prefix, so the two pools' ids never collide.
            let idsA = Set(a.readyWorkers()), idsB = Set(b.readyWorkers())
            #expect(idsA.count == 2 && idsB.count == 2 && idsA.isDisjoint(with: idsB), "\(idsA) \(idsB)")
            for (serve, name, total) in [(a, "via-a", 200), (b, "via-b", 400)] {
                let enqueued = try await serve.drover(["enqueue", "--file", try jobFile(users: 40, perUser: 5, sleepMs: 1, name: name, in: serve)])
                #expect(enqueued.code == 0, "\(enqueued.err)")
                #expect(!enqueued.err.contains("shared queue"), "\(enqueued.err)")
                try await eventually(timeout: .seconds(120), "\(total) jobs completed") {
                    try await a.queue.counts(of: .noop).completed == total
                }
            }
            let records = try await a.completedRecords()
            #expect(records.count == 400)
            var workersOfUser: [String: Set<String>] = [:]
            for record in records {
                workersOfUser[try #require(record.payload["userId"]?.stringValue), default: []].insert(try #require(record.workerID))
            }
            #expect(workersOfUser.count == 40)
            #expect(workersOfUser.values.allSatisfy { $0.count == 1 }, "\(workersOfUser.filter { $0.value.count > 1 })")
            let used = Set(workersOfUser.values.flatMap { $0 })
            #expect(!used.isDisjoint(with: idsA) && !used.isDisjoint(with: idsB), "users of both hosts' workers: \(used)")
        }
    }

    @Test("when a whole host dies, its queued sticky jobs all complete on the other host")
    func deadHostsJobsCompleteElsewhere() async throws {
        // Each worker leases two jobs at a time, so most of a user's jobs wait in its sticky queue.
        try await withTwoHosts(overriding: ["DROVER_SUPERVISOR_CONCURRENCY": "2"]) { a, b in
            let users = (0..<20).map { "user-\($0)" }
            try await waitForOnePool(a, b, users: users)
            let victims = a.readyWorkers()
            let enqueued = try await b.drover(["enqueue", "--file", try jobFile(users: 20, perUser: 10, sleepMs: 150, name: "jobs", in: b)])
            #expect(enqueued.code == 0, "\(enqueued.err)")
            let client = RedisClient(url: a.redis.url)
            var queuedOnA = 0
            for victim in victims {
                queuedOnA += Int((try await client.send(["LLEN", "drover:{rag:noop}:sticky:" + victim])).int ?? 0)
            }
            #expect(queuedOnA > 10, "host a's workers should still have sticky jobs queued")
            // Host death: freeze the supervisor so it cleans up nothing, kill its workers, then it.
            let killedAt = ContinuousClock.now
            try a.process.kill(.sigstop)
            for pid in a.readyPIDs() { try? Posix.killGroup(pid, .sigkill) }
            try a.process.killGroup(.sigkill)
            _ = try await a.process.wait(timeout: .seconds(30))
            try await eventually(timeout: .seconds(120), "all 200 jobs completed") {
                try await b.queue.counts(of: .noop).completed == 200
            }
            print("host death: \(queuedOnA) sticky jobs queued on the dead host; all 200 jobs done \(ContinuousClock.now - killedAt) after the kill (noisy machine)")
            let counts = try await b.queue.counts(of: .noop)
            #expect(counts.dead == 0 && counts.waiting == 0 && counts.active == 0)
            let records = try await b.completedRecords()
            #expect(records.count == 200)
            #expect(records.filter { victims.contains($0.workerID ?? "") }.count <= 200 - queuedOnA)
            #expect(b.lines("dead host recovered").count == 1, "\(b.log.suffix(3000))")
            for victim in victims {
                #expect((try await client.send(["EXISTS", "drover:{rag:noop}:sticky:" + victim])).int == 0)
            }
            await client.close()
        }
    }
}

extension ServeFixture {
    /// The worker ids named in "worker ready" lines, in order.
    func readyWorkers() -> [String] {
        lines("worker ready").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("worker=") }.map { String($0.dropFirst("worker=".count)) }
        }
    }
}
