import DroverSupervisorCore
import Testing

@Suite("Crashes and restart throttling")
struct RestartSpecs {
    @Test func killedWorkerHasItsLeasesRequeuedAndIsRespawnedInTheSameCall() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 2)[0]
        let actions = pool.exit(w, .signaled(signal: 9))
        #expect(actions == [
            .requeueLeases(w, countingAttempt: true),
            .spawn(SlotID(1), .id("w1.2")),
        ])
        #expect(pool.state(w) == .offline(.signaled(signal: 9), at: pool.now))
    }

    @Test func restartsAreCountedByReasonAndAShrinkingPoolCountsNone() throws {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 3)
        pool.exit(ids[0], .signaled(signal: 9))
        pool.exit(ids[1], .exited(code: 0))  // a current worker that leaves on its own is replaced too
        #expect(pool.snapshot.restartsByReason == ["crashed": 1, "exited": 1])
        // An operator's drain replaces the worker (its successor first).
        try pool.command(.drain(worker: ids[2].rawValue))
        #expect(pool.snapshot.restartsByReason == ["crashed": 1, "exited": 1, "operator": 1])
        // Shrinking the pool drains a worker for good: its exit is no restart.
        pool.boot(.id("w1.2"))
        pool.boot(.id("w2.2"))
        try pool.command(.scale(to: 2))
        let drained = try #require(pool.snapshot.workers.first { if case .draining = $0.state { true } else { false } })
        pool.exit(drained.id, .exited(code: 0))
        #expect(pool.snapshot.restartsByReason == ["crashed": 1, "exited": 1, "operator": 1])
    }

    @Test func crashLoopSpawnsAtMostTwelveTimesIn45SecondsAndNeverGivesUp() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        let start = pool.now
        var answered = 0
        var checkedAt45 = false
        // The process side answers every spawn, and each worker segfaults 50 ms after it starts.
        while pool.now - start < 120_000 {
            while answered < pool.spawns.count {
                let id = pool.spawns[answered].id
                answered += 1
                pool.spawned(id)
                pool.now = pool.now + 50
                pool.exit(id, .signaled(signal: 11))
            }
            pool.advance(by: 100)
            if !checkedAt45 && pool.now - start >= 45_000 {
                checkedAt45 = true
                #expect(pool.snapshot.isDegraded)
                #expect(pool.status.hasPrefix("degraded: w1 crash loop, next spawn in "))
            }
        }
        let first45 = pool.spawns.filter { $0.at - start < 45_000 }.count
        #expect(first45 <= 12)
        #expect(first45 >= 6)  // the free restarts were used: throttling is not a stall
        // Never giving up: spawns keep coming after the first 45 s, no faster than the cap.
        let later = pool.spawns.filter { $0.at - start >= 45_000 }
        #expect(!later.isEmpty)
        for (a, b) in zip(later, later.dropFirst()) {
            #expect(b.at - a.at >= 30_000)
        }
    }

    @Test func degradedStatusCountsDownToTheNextSpawn() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        for generation in 1...6 {
            let id = WorkerID.id("w1.\(generation)")
            pool.spawned(id)
            pool.exit(id, .signaled(signal: 6))
        }
        // Five free restarts used; the sixth crash waits 1 s.
        #expect(pool.snapshot.slots[0].nextSpawnAt == pool.now + 1_000)
        #expect(pool.status == "degraded: w1 crash loop, next spawn in 1 s; 0/1 workers ready, 0 jobs running")
        #expect(pool.snapshot.notReadyReason == "no worker ready: w1 crash loop, next spawn in 1 s")
        #expect(pool.advance(by: 999) == [])
        #expect(pool.advance(by: 1) == [.spawn(SlotID(1), .id("w1.7"))])
        pool.spawned(.id("w1.7"))
        pool.exit(.id("w1.7"), .signaled(signal: 6))
        #expect(pool.status.hasPrefix("degraded: w1 crash loop, next spawn in 2 s"))
    }

    @Test func aWorkerThatSurvivesAWholeWindowClearsTheThrottle() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        for generation in 1...7 {
            let id = WorkerID.id("w1.\(generation)")
            pool.spawned(id)
            pool.exit(id, .signaled(signal: 6))
            pool.advance(by: 2_000)
        }
        let survivor = pool.current(1)
        #expect(survivor == .id("w1.8"))
        pool.boot(survivor)
        for _ in 0..<13 {
            pool.advance(by: 5_000)
            pool.heartbeat(survivor)
        }
        #expect(pool.exit(survivor, .signaled(signal: 11)) == [
            .requeueLeases(survivor, countingAttempt: true),
            .spawn(SlotID(1), .id("w1.9")),
        ])
    }

    @Test func bootFailedExitBacksOffFromTheFirstFailure() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        pool.spawned(.id("w1.1"))
        let actions = pool.exit(.id("w1.1"), .exited(code: WorkerExitCode.bootFailed.rawValue))
        #expect(actions.contains(.requeueLeases(.id("w1.1"), countingAttempt: false)))
        #expect(!actions.contains { if case .spawn = $0 { true } else { false } })
        #expect(pool.advance(by: 999) == [])
        #expect(pool.advance(by: 1) == [.spawn(SlotID(1), .id("w1.2"))])
        pool.spawned(.id("w1.2"))
        pool.exit(.id("w1.2"), .exited(code: 3))
        #expect(pool.snapshot.slots[0].nextSpawnAt == pool.now + 2_000)
    }

    @Test func badConfigurationExitIsNeverRespawnedAndLeavesThePoolDegraded() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 2))
        pool.boot(.id("w1.1"))
        pool.spawned(.id("w2.1"))
        let actions = pool.exit(.id("w2.1"), .exited(code: WorkerExitCode.configurationInvalid.rawValue))
        #expect(actions.filter { $0 != .notify(.ready) } == [.requeueLeases(.id("w2.1"), countingAttempt: false)])
        for _ in 0..<60 {
            pool.advance(by: 10_000)
            pool.heartbeatAll()
        }
        #expect(pool.spawns.count == 2)
        #expect(pool.status == "degraded: w2 bad configuration (exit 4), not respawning; 1/2 workers ready, 0 jobs running")
        #expect(pool.snapshot.slots[1].haltedReason == "bad configuration (exit 4)")
        #expect(pool.all.contains { if case .log(.critical, _, _) = $0 { true } else { false } })
    }

    @Test func whenEverySlotReportsBadConfigurationSystemdStillHearsReadyAndTheStatusSaysWhy() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        pool.spawned(.id("w1.1"))
        pool.exit(.id("w1.1"), .exited(code: 4))
        #expect(pool.notices.contains(.ready))
        #expect(!pool.snapshot.isReady)
        #expect(pool.status.hasPrefix("degraded: w1 bad configuration"))
    }

    @Test func aCleanExitNobodyAskedForIsRespawnedWithoutCountingAnAttempt() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        #expect(pool.exit(w, .exited(code: 0)) == [
            .requeueLeases(w, countingAttempt: false),
            .spawn(SlotID(1), .id("w1.2")),
        ])
    }

    @Test func spawnFailureBacksOffLikeABootFailure() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        #expect(pool.handle(.spawnFailed(.id("w1.1"), reason: "ENOENT: /usr/bin/drover")) == [])
        #expect(pool.snapshot.slots[0].lastFailure == "spawn failed: ENOENT: /usr/bin/drover")
        #expect(pool.advance(by: 1_000) == [.spawn(SlotID(1), .id("w1.2"))])
    }

    @Test func restartPolicyDoublesTheDelayUpToTheCapWithoutOverflow() {
        let policy = RestartPolicy(intensity: 5, periodMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 30_000)
        #expect((0...6).map { policy.backoffDelay(level: $0) } == [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000])
        #expect(policy.backoffDelay(level: 1_000) == 30_000)
        #expect(RestartPolicy(backoffBaseMs: Int64.max / 2, backoffMaxMs: Int64.max).backoffDelay(level: 40) == Int64.max)
    }

    @Test func restartHistoryGivesFreeRestartsThenStaysThrottled() {
        let policy = RestartPolicy(intensity: 2, periodMs: 10_000, backoffBaseMs: 100, backoffMaxMs: 400)
        var history = RestartHistory()
        // After the third, the window empties between failures, yet the throttle holds.
        let times: [Int64] = [0, 100, 200, 15_000, 30_000, 45_000]
        let delays = times.map { ms in
            history.recordFailure(at: Instant(milliseconds: ms), workerStartedAt: Instant(milliseconds: ms - 10), bootFailure: false, policy: policy)
        }
        #expect(delays == [0, 0, 100, 200, 400, 400])
        // A worker that lived a whole window proves the slot healthy.
        #expect(history.recordFailure(at: Instant(milliseconds: 70_000), workerStartedAt: Instant(milliseconds: 50_000), bootFailure: false, policy: policy) == 0)
        #expect(history.backoffLevel == 0)
    }
}
