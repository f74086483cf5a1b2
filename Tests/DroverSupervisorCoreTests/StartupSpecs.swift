import DroverSupervisorCore
import Testing

@Suite("Start-up and readiness")
struct StartupSpecs {
    @Test func startSpawnsOneWorkerPerSlotWithIDsMadeBeforeTheSpawn() {
        var pool = SimulatedPool()
        let actions = pool.handle(.started(desiredWorkers: 3))
        #expect(actions == [
            .spawn(SlotID(1), .id("w1.1")),
            .spawn(SlotID(2), .id("w2.1")),
            .spawn(SlotID(3), .id("w3.1")),
        ])
        #expect(pool.snapshot.desiredWorkers == 3)
        #expect(pool.snapshot.readyWorkers == 0)
    }

    @Test func workerIDsCarryTheInstancePrefix() {
        var pool = SimulatedPool(instance: "host1-4711")
        #expect(pool.handle(.started(desiredWorkers: 1)) == [.spawn(SlotID(1), .id("host1-4711-w1.1"))])
    }

    @Test func desiredCountIsKeptWithinMinAndMax() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 99))
        #expect(pool.snapshot.desiredWorkers == SupervisorPolicy.testing.maxWorkers)
        #expect(pool.all.contains { if case .log(.warning, let message, _) = $0 { message.contains("outside") } else { false } })

        var zero = SimulatedPool()
        zero.handle(.started(desiredWorkers: 0))
        #expect(zero.snapshot.desiredWorkers == 1)
    }

    @Test func readyIsAnnouncedOnceAndOnlyAfterTheWorkersAreReady() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 2))
        pool.spawned(.id("w1.1"))
        pool.spawned(.id("w2.1"))
        pool.handle(.hello(.id("w1.1")))
        #expect(!pool.notices.contains(.ready))
        #expect(!pool.snapshot.isReady)
        #expect(pool.snapshot.notReadyReason == "no worker ready yet")

        pool.handle(.ready(.id("w1.1")))
        // One of two is ready and the other is merely slow: not READY yet, but /readyz may serve.
        #expect(!pool.notices.contains(.ready))
        #expect(pool.snapshot.isReady)

        #expect(pool.handle(.ready(.id("w2.1"))) == [.notify(.ready)])
        #expect(pool.status == "2/2 workers ready, 0 jobs running")
        pool.heartbeatAll()
        pool.advance(by: 1_000)
        #expect(pool.notices.filter { $0 == .ready }.count == 1)
    }

    @Test func readyIsAnnouncedWhenTheOtherSlotsAreThrottledRatherThanWaitingForever() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 2))
        pool.boot(.id("w1.1"))
        pool.spawned(.id("w2.1"))
        let actions = pool.exit(.id("w2.1"), .exited(code: WorkerExitCode.bootFailed.rawValue))
        #expect(actions.contains(.notify(.ready)))
        #expect(pool.status.hasPrefix("degraded: w2 crash loop, next spawn in 1 s"))
    }

    @Test func statusLinesFollowThePoolAndAreSentOnlyWhenTheyChange() {
        var pool = SimulatedPool()
        pool.start(workers: 2)
        pool.heartbeat(.id("w1.1"), HeartbeatStats(activeJobs: 2))
        pool.heartbeat(.id("w2.1"), HeartbeatStats(activeJobs: 3))
        #expect(pool.status == "2/2 workers ready, 5 jobs running")
        let statuses = pool.all.compactMap { if case .notify(.status(let line)) = $0 { line } else { nil } }
        #expect(statuses.last == "2/2 workers ready, 5 jobs running")
        #expect(Set(statuses).count == statuses.count)
    }

    @Test func heartbeatsPlaceReadyWorkersAsIdleBusyOrOverloaded() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        #expect(pool.state(w) == .idle)
        pool.heartbeat(w, HeartbeatStats(activeJobs: 2))
        #expect(pool.state(w) == .busy(activeJobs: 2))
        pool.heartbeat(w, HeartbeatStats(activeJobs: 3))
        #expect(pool.state(w) == .overloaded(activeJobs: 3))
        pool.heartbeat(w, HeartbeatStats(activeJobs: 0))
        #expect(pool.state(w) == .idle)
    }

    @Test func eventsAboutUnknownWorkersChangeNothing() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        let before = pool.snapshot
        #expect(pool.handle(.exited(pid: 424_242, .signaled(signal: 9))) == [])
        #expect(pool.handle(.heartbeat(.id("nobody"), HeartbeatStats(activeJobs: 3))) == [])
        #expect(pool.handle(.ready(.id("nobody"))) == [])
        #expect(pool.handle(.resources(.id("nobody"), ResourceSample(rssBytes: 1 << 40))) == [])
        #expect(pool.snapshot == before)
        #expect(pool.all.contains { if case .log(.warning, let message, _) = $0 { message.contains("unknown process") } else { false } })
    }

    @Test func aSpawnAnsweredForAnUnknownWorkerIsKilled() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        #expect(pool.handle(.spawned(.id("w9.9"), pid: 77)) == [.signal(pid: 77, .kill)])
    }

    @Test func anInvalidPolicyIsRefusedWithTheFieldNamed() {
        var policy = SupervisorPolicy.testing
        policy.minWorkers = 5
        policy.maxWorkers = 2
        #expect(throws: SupervisorCoreError(.invalidPolicy, "minWorkers must not exceed maxWorkers (2), got 5")) {
            try policy.validate()
        }
        var hang = SupervisorPolicy.testing
        hang.hangTimeoutMs = 1_000
        #expect(throws: SupervisorCoreError.self) { try hang.validate() }
        #expect(throws: Never.self) { try SupervisorPolicy().validate() }
    }
}
