import DroverSupervisorCore
import Testing

@Suite("Configuration reload")
struct ReloadSpecs {
    @Test func hangupReloadsThenReplacesWorkersOneByOneEachNewOneReadyBeforeItsOldOneDrains() {
        var pool = SimulatedPool()
        let old = pool.start(workers: 2)
        #expect(pool.handle(.signal(.hangup)) == [.notify(.reloading), .reloadConfiguration])
        #expect(pool.status.hasPrefix("reloading: "))
        var policy = SupervisorPolicy.testing
        policy.hangTimeoutMs = 40_000
        #expect(pool.handle(.reloaded(policy, desiredWorkers: nil)) == [.spawn(SlotID(1), .id("w1.2"))])
        #expect(pool.core.policy.hangTimeoutMs == 40_000)
        pool.spawned(.id("w1.2"))
        #expect(pool.snapshot.readyWorkers == 2)
        #expect(pool.handle(.ready(.id("w1.2"))) == [.send(old[0], .drain), .spawn(SlotID(2), .id("w2.2"))])
        #expect(pool.snapshot.readyWorkers == 2)
        pool.exit(old[0], .exited(code: 0))
        pool.spawned(.id("w2.2"))
        #expect(pool.handle(.ready(.id("w2.2"))) == [.send(old[1], .drain), .notify(.ready)])
        #expect(pool.snapshot.readyWorkers == 2)
        #expect(!pool.snapshot.reloading)
        #expect(pool.exit(old[1], .exited(code: 0)) == [.requeueLeases(old[1], countingAttempt: false)])
        #expect(pool.status == "2/2 workers ready, 0 jobs running")
    }

    @Test func aFailedReloadKeepsTheOldConfigurationAndSaysReadyAgain() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        pool.handle(.signal(.hangup))
        #expect(pool.handle(.reloadFailed(reason: "supervisor.maxWorkers: must be at least 1, got 0")) == [.notify(.ready)])
        #expect(pool.core.policy == .testing)
        #expect(pool.spawns.count == 1)
    }

    @Test func anInvalidReloadedPolicyIsRefusedAndNothingIsReplaced() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        pool.handle(.signal(.hangup))
        var bad = SupervisorPolicy.testing
        bad.concurrency = 0
        #expect(pool.handle(.reloaded(bad, desiredWorkers: nil)) == [.notify(.ready)])
        #expect(pool.core.policy == .testing)
        #expect(pool.all.contains { if case .log(.error, let message, _) = $0 { message.contains("concurrency must be at least 1") } else { false } })
    }

    @Test func aHangupDuringStartUpStillSendsReadyExactlyOnce() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        pool.spawned(.id("w1.1"))
        pool.handle(.signal(.hangup))
        pool.handle(.reloaded(.testing, desiredWorkers: nil))
        pool.handle(.ready(.id("w1.1")))
        pool.boot(.id("w1.2"))
        pool.exit(.id("w1.1"), .exited(code: 0))
        pool.heartbeatAll()
        pool.advance(by: 1_000)
        #expect(pool.notices.filter { $0 == .ready } == [.ready])
        #expect(pool.snapshot.readyWorkers == 1)
    }

    @Test func aSecondHangupDuringAReloadIsIgnored() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        pool.handle(.signal(.hangup))
        #expect(pool.handle(.signal(.hangup)) == [])
    }

    @Test func aReloadGivesAHaltedSlotAnotherChance() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 2))
        pool.boot(.id("w1.1"))
        pool.spawned(.id("w2.1"))
        pool.exit(.id("w2.1"), .exited(code: 4))
        pool.handle(.signal(.hangup))
        let actions = pool.handle(.reloaded(.testing, desiredWorkers: nil))
        #expect(actions == [.spawn(SlotID(2), .id("w2.2")), .spawn(SlotID(1), .id("w1.2"))])
        #expect(!pool.snapshot.isDegraded)
    }

    @Test func aReloadCanResizeThePoolWithinTheNewBounds() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        pool.handle(.signal(.hangup))
        var policy = SupervisorPolicy.testing
        policy.maxWorkers = 2
        pool.handle(.reloaded(policy, desiredWorkers: 5))
        #expect(pool.snapshot.desiredWorkers == 2)
    }

    @Test func aReplacementThatCannotStartDoesNotHoldTheReloadOpenForever() {
        var pool = SimulatedPool()
        let old = pool.start(workers: 1)[0]
        pool.handle(.signal(.hangup))
        pool.handle(.reloaded(.testing, desiredWorkers: nil))
        pool.spawned(.id("w1.2"))
        let actions = pool.exit(.id("w1.2"), .exited(code: 4))
        #expect(actions.contains(.notify(.ready)))
        // The old worker keeps serving the slot.
        #expect(pool.state(old) == .idle)
        #expect(pool.snapshot.isReady)
        #expect(pool.status.hasPrefix("degraded: w1 bad configuration"))
    }
}
