import DroverSupervisorCore
import Testing

@Suite("Memory limits")
struct MemorySpecs {
    static let soft: Int64 = 512 << 20

    @Test func overTheSoftLimitTheReplacementIsReadyBeforeTheOldWorkerDrains() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        let old = ids[0]
        var lowestReady = Int.max
        func observe(_ pool: SimulatedPool) -> Int { pool.snapshot.readyWorkers }

        #expect(pool.handle(.resources(old, ResourceSample(rssBytes: Self.soft + 1))) == [.spawn(SlotID(1), .id("w1.2"))])
        lowestReady = min(lowestReady, observe(pool))
        #expect(pool.state(old) == .idle)  // still serving
        pool.spawned(.id("w1.2"))
        lowestReady = min(lowestReady, observe(pool))
        pool.handle(.hello(.id("w1.2")))
        // Still over the limit on the next sample: no second replacement.
        #expect(pool.handle(.resources(old, ResourceSample(rssBytes: Self.soft + 2))) == [])
        #expect(pool.handle(.ready(.id("w1.2"))) == [.send(old, .drain)])
        lowestReady = min(lowestReady, observe(pool))
        #expect(pool.state(old) == .draining(since: pool.now, reason: .memory, deadline: pool.now + 30_000))
        pool.advance(by: 2_000)
        #expect(pool.exit(old, .exited(code: 0)) == [.requeueLeases(old, countingAttempt: false)])
        lowestReady = min(lowestReady, observe(pool))
        #expect(lowestReady >= 2)
        #expect(pool.current(1) == .id("w1.2"))
        #expect(pool.snapshot.liveWorkers == 2)
    }

    @Test func theOldWorkerKeepsServingWhileItsReplacementCrashes() {
        var pool = SimulatedPool()
        let old = pool.start(workers: 1)[0]
        pool.handle(.resources(old, ResourceSample(rssBytes: Self.soft)))
        pool.spawned(.id("w1.2"))
        #expect(pool.exit(.id("w1.2"), .signaled(signal: 11)) == [
            .requeueLeases(.id("w1.2"), countingAttempt: true),
            .spawn(SlotID(1), .id("w1.3")),
        ])
        #expect(pool.state(old) == .idle)
        #expect(pool.snapshot.readyWorkers == 1)
        #expect(pool.boot(.id("w1.3")) == [.send(old, .drain)])
    }

    @Test func overTheHardLimitTheWorkerIsKilledAtOnce() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        let hard = Int64(Double(Self.soft) * 1.5)
        #expect(pool.handle(.resources(w, ResourceSample(rssBytes: hard))) == [.signal(pid: pool.pid(w), .kill)])
        #expect(pool.exit(w, .signaled(signal: 9)) == [
            .requeueLeases(w, countingAttempt: true),
            .spawn(SlotID(1), .id("w1.2")),
        ])
    }

    @Test func aDrainingWorkerPastTheHardLimitIsKilledToo() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        pool.handle(.resources(w, ResourceSample(rssBytes: Self.soft)))
        pool.boot(.id("w1.2"))
        #expect(pool.handle(.resources(w, ResourceSample(rssBytes: Self.soft * 2))) == [.signal(pid: pool.pid(w), .kill)])
        // It was not the slot's current worker any more: no respawn, its successor serves.
        #expect(pool.exit(w, .signaled(signal: 9)) == [.requeueLeases(w, countingAttempt: true)])
    }
}
