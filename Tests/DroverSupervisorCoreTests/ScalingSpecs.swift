import DroverSupervisorCore
import Testing

@Suite("Scaling and operator drains")
struct ScalingSpecs {
    @Test func ttinAddsAWorkerUpToMaxWorkers() {
        var pool = SimulatedPool()
        pool.start(workers: 3)
        #expect(pool.handle(.signal(.moreWorkers)) == [.spawn(SlotID(4), .id("w4.1"))])
        #expect(pool.handle(.signal(.moreWorkers)) == [])
        #expect(pool.snapshot.desiredWorkers == 4)
        #expect(pool.all.contains { if case .log(.warning, let message, _) = $0 { message.hasPrefix("SIGTTIN ignored") } else { false } })
    }

    @Test func ttouDrainsTheHighestSlotWithoutReplacementDownToMinWorkers() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        #expect(pool.handle(.signal(.fewerWorkers)) == [.send(ids[1], .drain)])
        #expect(pool.snapshot.desiredWorkers == 1)
        #expect(pool.handle(.signal(.fewerWorkers)) == [])
        #expect(pool.exit(ids[1], .exited(code: 0)) == [.requeueLeases(ids[1], countingAttempt: false)])
        #expect(pool.snapshot.slots.map(\.id) == [SlotID(1)])
        #expect(pool.status == "1/1 workers ready, 0 jobs running")
        // Growing again reuses the slot name but never the worker id.
        #expect(pool.handle(.signal(.moreWorkers)) == [.spawn(SlotID(2), .id("w2.2"))])
    }

    @Test func scaleCommandOutsideTheBoundsIsRefusedAndChangesNothing() {
        var pool = SimulatedPool()
        pool.start(workers: 2)
        let before = pool.snapshot
        #expect(throws: SupervisorCoreError(.outOfRange, "cannot scale to 9 workers: allowed 1…4 (minWorkers…maxWorkers)")) {
            try pool.command(.scale(to: 9))
        }
        #expect(throws: SupervisorCoreError.self) { try pool.command(.scale(to: 0)) }
        #expect(pool.snapshot == before)
    }

    @Test func scaleCommandGrowsAndShrinksThePool() throws {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        #expect(try pool.command(.scale(to: 3)) == [.spawn(SlotID(2), .id("w2.1")), .spawn(SlotID(3), .id("w3.1"))])
        #expect(try pool.command(.scale(to: 3)) == [])
        pool.boot(.id("w2.1"))
        // w3.1's spawn is still in flight, so its SIGTERM waits for the pid.
        #expect(try pool.command(.scale(to: 2)) == [])
        #expect(pool.snapshot.desiredWorkers == 2)
        #expect(pool.spawned(.id("w3.1")) == [.signal(pid: pool.pid(.id("w3.1")), .terminate)])
        #expect(pool.exit(.id("w3.1"), .exited(code: 0)) == [.requeueLeases(.id("w3.1"), countingAttempt: false)])
        #expect(pool.snapshot.slots.map(\.id) == [SlotID(1), SlotID(2)])
    }

    @Test func scalingDownRetiresCrashLoopingSlotsFirst() throws {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 3))
        pool.boot(.id("w1.1"))
        pool.spawned(.id("w2.1"))
        pool.exit(.id("w2.1"), .exited(code: 3))
        pool.boot(.id("w3.1"))
        try pool.command(.scale(to: 2))
        #expect(pool.snapshot.slots.map(\.id) == [SlotID(1), SlotID(3)])
        #expect(!pool.snapshot.isDegraded)
    }

    @Test func scaleIsRefusedDuringShutdown() {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        pool.handle(.signal(.terminate))
        #expect(throws: SupervisorCoreError(.wrongState, "cannot scale: the supervisor is shutting down")) {
            try pool.command(.scale(to: 2))
        }
    }

    @Test func drainCommandReplacesTheNamedWorkerBeforeDrainingIt() throws {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        #expect(try pool.command(.drain(worker: "w2.1")) == [.spawn(SlotID(2), .id("w2.2"))])
        #expect(pool.boot(.id("w2.2")) == [.send(ids[1], .drain)])
        // A slot name means its current worker.
        #expect(try pool.command(.drain(worker: "w1")) == [.spawn(SlotID(1), .id("w1.2"))])
        #expect(pool.snapshot.desiredWorkers == 2)
    }

    @Test func drainCommandForAnUnknownOrBusyWorkerIsRefusedWithAReason() throws {
        var pool = SimulatedPool()
        pool.start(workers: 1)
        #expect(throws: SupervisorCoreError(.unknownWorker, "no live worker or slot named 'w7.1'; `drover status` lists them")) {
            try pool.command(.drain(worker: "w7.1"))
        }
        try pool.command(.drain(worker: "w1.1"))
        #expect(throws: SupervisorCoreError(.wrongState, "worker w1.1 is already being replaced")) {
            try pool.command(.drain(worker: "w1.1"))
        }
        #expect(throws: SupervisorCoreError(.wrongState, "worker w1.2 is starting; only a ready worker can be drained")) {
            try pool.command(.drain(worker: "w1.2"))
        }
        #expect(pool.spawns.count == 2)
    }
}
