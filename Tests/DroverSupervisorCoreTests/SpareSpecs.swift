import DroverSupervisorCore
import Testing

@Suite("Spare workers: replacements that are already running")
struct SpareSpecs {
    static var policy: SupervisorPolicy {
        var policy = SupervisorPolicy.testing
        policy.spareWorkers = 1
        return policy
    }

    /// A pool of `workers` ready workers and one spare in standby.
    static func poolWithSpare(workers: Int) -> (SimulatedPool, [WorkerID], WorkerID) {
        var pool = SimulatedPool(policy)
        let ids = pool.start(workers: workers)
        let spare = pool.spawns.last!.id
        pool.boot(spare)
        return (pool, ids, spare)
    }

    @Test func theSpareStartsOnlyOnceThePoolIsReadyAndWaitsInStandbyOutsideTheCount() {
        var pool = SimulatedPool(Self.policy)
        pool.handle(.started(desiredWorkers: 2))
        #expect(pool.spawns.map(\.id) == [.id("w1.1"), .id("w2.1")])
        pool.boot(.id("w1.1"))
        pool.boot(.id("w2.1"))
        #expect(pool.spawns.map(\.id).last == .id("spare.1"))
        #expect(pool.all.contains(.spawn(.spare, .id("spare.1"))))
        pool.boot(.id("spare.1"))
        #expect(pool.state(.id("spare.1")) == .standby)
        #expect(pool.snapshot.readyWorkers == 2)
        #expect(pool.snapshot.desiredWorkers == 2)
        #expect(pool.status == "2/2 workers ready, 0 jobs running")
    }

    @Test func aCrashedWorkerIsReplacedByTheSpareAtOnceAndANewSpareIsStarted() {
        var (pool, ids, spare) = Self.poolWithSpare(workers: 2)
        let actions = pool.exit(ids[0], .signaled(signal: 9))
        #expect(actions == [
            .requeueLeases(ids[0], countingAttempt: true),
            .send(spare, .activate),
            .spawn(.spare, .id("spare.2")),
        ])
        #expect(pool.current(1) == spare)
        #expect(pool.state(spare) == .starting(since: pool.now))
        // Its ready answer to `activate` makes it the slot's worker.
        pool.handle(.ready(spare))
        #expect(pool.state(spare) == .idle)
        #expect(pool.snapshot.readyWorkers == 2)
    }

    @Test func aSpareThatIsStillBootingIsNotPromotedSoTheSlotGetsAColdStart() {
        var pool = SimulatedPool(Self.policy)
        let ids = pool.start(workers: 1)
        pool.spawned(.id("spare.1"))
        let actions = pool.exit(ids[0], .signaled(signal: 9))
        #expect(actions == [.requeueLeases(ids[0], countingAttempt: true), .spawn(SlotID(1), .id("w1.2"))])
    }

    @Test func sigttinIsServedByTheSpare() {
        var (pool, _, spare) = Self.poolWithSpare(workers: 1)
        let actions = pool.handle(.signal(.moreWorkers))
        #expect(actions == [.send(spare, .activate), .spawn(.spare, .id("spare.2"))])
        #expect(pool.current(2) == spare)
        pool.handle(.ready(spare))
        #expect(pool.snapshot.readyWorkers == 2)
    }

    @Test func aWorkerOverItsMemoryLimitDrainsOnceTheSpareHasTakenItsPlace() {
        var (pool, ids, spare) = Self.poolWithSpare(workers: 1)
        let actions = pool.handle(.resources(ids[0], ResourceSample(rssBytes: 600 << 20)))
        #expect(actions == [.send(spare, .activate), .spawn(.spare, .id("spare.2"))])
        #expect(pool.state(ids[0]) == .idle)
        pool.handle(.ready(spare))
        #expect(pool.state(ids[0]) == .draining(since: pool.now, reason: .memory, deadline: pool.now + 30_000))
    }

    @Test func aSpareThatCannotBootBacksOffInsteadOfSpinning() {
        var pool = SimulatedPool(Self.policy)
        pool.start(workers: 1)
        pool.spawned(.id("spare.1"))
        let actions = pool.exit(.id("spare.1"), .exited(code: WorkerExitCode.bootFailed.rawValue))
        #expect(actions == [.requeueLeases(.id("spare.1"), countingAttempt: false)])
        #expect(pool.advance(by: 999) == [])
        #expect(pool.advance(by: 1) == [.spawn(.spare, .id("spare.2"))])
    }

    @Test func aSpareReportingBadConfigurationStopsSparesUntilAReload() {
        var pool = SimulatedPool(Self.policy)
        pool.start(workers: 1)
        pool.spawned(.id("spare.1"))
        pool.exit(.id("spare.1"), .exited(code: WorkerExitCode.configurationInvalid.rawValue))
        for _ in 0..<60 {
            pool.heartbeat(.id("w1.1"))
            #expect(pool.advance(by: 5_000) == [])
        }
        #expect(pool.spawns.map(\.id) == [.id("w1.1"), .id("spare.1")])
        pool.handle(.signal(.hangup))
        pool.handle(.reloaded(Self.policy, desiredWorkers: 1))
        #expect(pool.all.contains(.spawn(.spare, .id("spare.2"))))
    }

    @Test func aHungSpareIsAbortedLikeAnyWorker() {
        var (pool, ids, spare) = Self.poolWithSpare(workers: 1)
        pool.advance(by: 29_000)
        pool.heartbeat(ids[0])
        // A new spare boots while the hung one is being stopped.
        #expect(pool.advance(by: 1_000) == [.signal(pid: pool.pid(spare), .abort), .spawn(.spare, .id("spare.2"))])
    }

    @Test func aReloadDrainsSparesOfTheOldConfigurationAndNeverPromotesThem() {
        var (pool, ids, spare) = Self.poolWithSpare(workers: 1)
        pool.handle(.signal(.hangup))
        var policy = Self.policy
        policy.concurrency = 5
        let actions = pool.handle(.reloaded(policy, desiredWorkers: 1))
        #expect(actions.contains(.send(spare, .drain)))
        // The old worker's replacement is a cold start under the new policy, not the stale spare.
        #expect(actions.contains(.spawn(SlotID(1), .id("w1.2"))))
        #expect(actions.contains(.spawn(.spare, .id("spare.2"))))
        #expect(pool.state(ids[0]) == .idle)
    }

    @Test func shutdownDrainsTheSpareAndStartsNoOther() {
        var (pool, ids, spare) = Self.poolWithSpare(workers: 1)
        let actions = pool.handle(.signal(.terminate))
        #expect(actions.contains(.send(spare, .drain)))
        pool.exit(spare, .exited(code: WorkerExitCode.drained.rawValue))
        let last = pool.exit(ids[0], .exited(code: WorkerExitCode.drained.rawValue))
        #expect(!pool.all.contains(.spawn(.spare, .id("spare.2"))))
        #expect(last.contains(.exit(code: 0)))
    }

    @Test func withNoSparesConfiguredEveryReplacementIsAColdStart() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 1)
        #expect(pool.exit(ids[0], .signaled(signal: 9)) == [
            .requeueLeases(ids[0], countingAttempt: true), .spawn(SlotID(1), .id("w1.2")),
        ])
        #expect(!pool.spawns.contains { $0.id.rawValue.hasPrefix("spare") })
    }
}
