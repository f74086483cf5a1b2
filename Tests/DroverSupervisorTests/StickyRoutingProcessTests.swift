import DroverPosix
import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve routes each user's jobs to one worker", .serialized)
struct StickyRoutingProcessTests {
    /// An NDJSON file of `perUser` noop jobs for each of `users` users.
    func jobFile(users: Int, perUser: Int, sleepMs: Int, in serve: ServeFixture) throws -> String {
        var lines: [String] = []
        for round in 0..<perUser {
            for user in 0..<users {
                lines.append(#"{"type": "noop", "sleepMs": \#(sleepMs), "userId": "user-\#(user)", "round": \#(round)}"#)
            }
        }
        let path = serve.directory + "/jobs.ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyJobOfAUserRunsOnThatUsersWorkerWhileThePoolIsStable() async throws {
        try await withServe(workers: 3) { serve in
            try await serve.waitForReady(3)
            let file = try jobFile(users: 100, perUser: 20, sleepMs: 1, in: serve)
            let enqueued = try await serve.drover(["enqueue", "--file", file])
            #expect(enqueued.code == 0, "\(enqueued.err)")
            #expect(!enqueued.err.contains("shared queue"), "\(enqueued.err)")
            try await eventually(timeout: .seconds(120), "2,000 jobs completed") {
                try await serve.queue.counts(of: .noop).completed == 2_000
            }
            let records = try await serve.completedRecords()
            #expect(records.count == 2_000)
            var workersOfUser: [String: Set<String>] = [:]
            for record in records {
                let user = try #require(record.payload["userId"]?.stringValue)
                workersOfUser[user, default: []].insert(try #require(record.workerID))
            }
            #expect(workersOfUser.count == 100)
            let sticky = workersOfUser.values.filter { $0.count == 1 }.count
            print("sticky: \(sticky) of 100 users ran every job on one worker; workers used: \(Set(workersOfUser.values.flatMap { $0 }).count) (noisy machine)")
            #expect(sticky == 100)
            // Rendezvous hashing spreads the users over all three workers.
            #expect(Set(workersOfUser.values.flatMap { $0 }).count == 3)
        }
    }

    @Test func aKilledWorkersQueuedStickyJobsAllCompleteElsewhere() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            let file = try jobFile(users: 20, perUser: 10, sleepMs: 100, in: serve)
            let enqueued = try await serve.drover(["enqueue", "--file", file])
            #expect(enqueued.code == 0, "\(enqueued.err)")
            // The first ready worker, while its sticky queue still holds jobs.
            let client = RedisClient(url: serve.redis.url)
            defer { Task { await client.close() } }
            let readyLine = try #require(serve.lines("worker ready").first)
            let victim = try #require(readyLine.split(separator: " ").first { $0.hasPrefix("worker=") }.map { String($0.dropFirst("worker=".count)) })
            let victimPID = try #require(serve.readyPIDs().first)
            let queuedForVictim = (try await client.send(["LLEN", "drover:{rag:noop}:sticky:" + victim])).int ?? 0
            #expect(queuedForVictim > 10, "the victim's sticky queue should still hold jobs")
            try Posix.kill(victimPID, .sigkill)
            try await eventually(timeout: .seconds(120), "all 200 jobs completed") {
                try await serve.queue.counts(of: .noop).completed == 200
            }
            let counts = try await serve.queue.counts(of: .noop)
            #expect(counts.dead == 0 && counts.waiting == 0 && counts.active == 0)
            let records = try await serve.completedRecords()
            #expect(records.count == 200)
            // The jobs still queued for the victim when it died ran on other workers.
            #expect(records.filter { $0.workerID == victim }.count <= 200 - Int(queuedForVictim))
            #expect(serve.log.contains("leases put back"))
            #expect((try await client.send(["EXISTS", "drover:{rag:noop}:sticky:" + victim])).int == 0)
        }
    }
}
