import DroverPosix
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve with real workers, signals and Redis", .serialized)
struct SupervisorProcessTests {
    @Test func killedWorkerIsReplacedAndItsJobCompletesOnAnotherWorker() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            let ids = try await serve.queue.enqueue(noopJobs(4, sleepMs: 5_000)).map(\.id)
            // A job's worker stays on its record once it started, so a slow poll cannot miss it.
            try await eventually("the first job started") { try await serve.queue.job(ids[0])?.workerID != nil }
            let victim = try #require(try await serve.queue.job(ids[0])?.workerID)
            let victimPID = try #require(pid(of: victim, in: serve))
            try Posix.kill(victimPID, .sigkill)
            try await serve.waitForReady(3)
            try await eventually(timeout: .seconds(60), "every job completed") { try await allCompleted(serve.queue, ids) }
            for id in ids {
                let record = try #require(try await serve.queue.job(id))
                #expect(record.status == .completed)
                #expect(record.workerID != victim || record.attempts == 1)
            }
        }
    }

    @Test func sigtermLetsRunningJobsFinishAndExitsZero() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            let ids = try await serve.queue.enqueue(noopJobs(4, sleepMs: 6_000)).map(\.id)
            try await eventually("every job started") { try await allStarted(serve.queue, ids) }
            try serve.process.kill(.sigterm)
            let exit = try await serve.process.wait(timeout: .seconds(25))
            #expect(exit == .exited(code: 0))
            #expect(try await allCompleted(serve.queue, ids))
            // Drained, not interrupted: no job was put back and run a second time.
            for id in ids { #expect(try await serve.queue.job(id)?.attempts == 1) }
        }
    }

    @Test func stoppedWorkerIsDetectedAsHungThenKilledAndReplaced() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            let first = try #require(serve.readyPIDs().first)
            try Posix.kill(first, .sigstop)
            try await serve.waitForReady(2, timeout: .seconds(30))
            #expect(!Posix.processExists(first) || serve.readyPIDs().last != first)
            let id = try await serve.queue.enqueue(noopJobs(1, sleepMs: 0))[0].id
            try await eventually("job completed by the replacement") { try await allCompleted(serve.queue, [id]) }
        }
    }

    @Test func killedSupervisorTakesItsWorkersWithItAndTheirLeasesComeBack() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            // Jobs far longer than any pause of a loaded machine: all four are still running at the kill.
            let ids = try await serve.queue.enqueue(noopJobs(4, sleepMs: 60_000, timeoutMs: 120_000)).map(\.id)
            try await eventually("jobs running") { try await serve.queue.counts(of: .noop).active == 4 }
            let workers = serve.readyPIDs()
            try serve.process.kill(.sigkill)
            _ = try await serve.process.wait()
            try await eventually("workers gone") { workers.allSatisfy { !Posix.processExists($0) || isZombie($0) } }
            // The orphans handed their leases back on the way out, without counting the attempt.
            let counts = try await serve.queue.counts(of: .noop)
            #expect(counts.waiting == 4 && counts.active == 0)
            for id in ids {
                let record = try #require(try await serve.queue.job(id))
                #expect(record.status == .waiting && record.attempts == 0)
            }
        }
    }

    @Test func embeddedRedisServesTheQueueWithNothingElseSetUp() async throws {
        try await withServe(workers: 1, embeddedRedis: true) { serve in
            try await serve.waitForReady(1)
            let id = try await serve.queue.enqueue(noopJobs(1, sleepMs: 0))[0].id
            try await eventually("job completed") { try await allCompleted(serve.queue, [id]) }
            try serve.process.kill(.sigterm)
            #expect(try await serve.process.wait(timeout: .seconds(25)) == .exited(code: 0))
            #expect(serve.log.contains("embedded redis started"))
        }
    }

    @Test func badConfigurationStopsStartUpNamingTheKey() async throws {
        try await withServe(workers: 1, environment: ["DROVER_SUPERVISOR_CONCURRENCY": "zero"]) { serve in
            let exit = try await serve.process.wait(timeout: .seconds(20))
            #expect(exit != .exited(code: 0))
            #expect(serve.log.contains("supervisor.concurrency"))
        }
    }
}

/// The pid of the worker with this id, from the supervisor's log.
func pid(of workerID: String, in serve: ServeFixture) -> Int32? {
    serve.lines("worker ready").first { $0.contains("worker=\(workerID)") }.flatMap { line in
        line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst("pid=".count)) }
    }
}

/// A process that exited but was not reaped (its parent died; PID 1 here may not reap).
func isZombie(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
}

@Suite("drover serve replaces workers without losing capacity or jobs", .serialized)
struct SupervisorReplacementTests {
    @Test func workerOverItsMemoryLimitIsReplacedFirstThenDrained() async throws {
        try await withServe(workers: 1, environment: [
            "DROVER_SUPERVISOR_MAX_MEMORY_MB": "100", "DROVER_SUPERVISOR_HARD_MEMORY_FACTOR": "3",
        ]) { serve in
            try await serve.waitForReady(1)
            let first = try #require(serve.readyPIDs().first)
            let big = try await serve.queue.enqueue([JobRequest(
                type: .noop, payload: .object(["holdMB": .int(160), "sleepMs": .int(2_500)]))])[0].id
            try await serve.waitForReady(2, timeout: .seconds(30))
            // The replacement was ready while the old worker was still finishing its job.
            let record = try await serve.queue.job(big)
            #expect(record?.status == .active || record?.status == .completed)
            try await eventually(timeout: .seconds(30), "big job completed") { try await allCompleted(serve.queue, [big]) }
            #expect(try await serve.queue.job(big)?.attempts == 1)
            try await eventually(timeout: .seconds(30), "old worker gone") { !Posix.processExists(first) }
            let after = try await serve.queue.enqueue(noopJobs(3, sleepMs: 0)).map(\.id)
            try await eventually("later jobs completed") { try await allCompleted(serve.queue, after) }
        }
    }

    @Test func sighupReplacesEveryWorkerWhileJobsKeepCompleting() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            let before = Set(serve.readyPIDs())
            let ids = try await serve.queue.enqueue(noopJobs(60, sleepMs: 100)).map(\.id)
            try serve.process.kill(.sighup)
            try await serve.waitForReady(4, timeout: .seconds(60))
            try await eventually(timeout: .seconds(60), "every job completed") { try await allCompleted(serve.queue, ids) }
            try await eventually(timeout: .seconds(30), "old workers gone") { before.allSatisfy { !Posix.processExists($0) } }
            for id in ids { #expect(try await serve.queue.job(id)?.attempts == 1) }
        }
    }

    @Test func sigttinAddsAWorkerAndSigttouRemovesOne() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            try serve.process.kill(.sigttin)
            try await serve.waitForReady(2)
            let pids = serve.readyPIDs()
            try serve.process.kill(.sigttou)
            try await eventually("one worker drained away") { pids.filter { Posix.processExists($0) && !isZombie($0) }.count == 1 }
        }
    }
}

@Suite("drover serve backs off a crash loop and never gives up", .serialized)
struct SupervisorCrashLoopTests {
    @Test func workerThatFailsAtBootIsRespawnedWithBackoffNotInALoop() async throws {
        // Workers cannot reach this Redis, so each exits 3 (boot failed) right after it starts.
        try await withServe(workers: 1, environment: [
            "DROVER_REDIS_URL": "unix:///nonexistent/drover-test/redis.sock",
            "DROVER_SUPERVISOR_RESTART_BACKOFF_BASE_MS": "500",
        ]) { serve in
            try await Task.sleep(for: .seconds(12))
            #expect(serve.process.isRunning, "the supervisor gave up: \(serve.log.suffix(2000))")
            let spawns = serve.lines("worker spawned").count
            let exits = serve.log.components(separatedBy: "exit 3").count - 1
            #expect(exits >= 2, "workers did not fail as planned: \(serve.log.suffix(2000))")
            // Intensity 5 per 60 s, then backoff from 500 ms doubling: about 8 spawns in 12 s, never a spin.
            #expect(spawns <= 12, "\(spawns) spawns in 12 s")
            #expect(serve.log.contains("degraded"))
        }
    }
}
