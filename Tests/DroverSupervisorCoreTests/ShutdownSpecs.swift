import DroverSupervisorCore
import Testing

@Suite("Shutdown drain")
struct ShutdownSpecs {
    @Test func terminateDrainsEveryWorkerAndExitsZeroOnceTheLastIsGone() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        pool.heartbeat(ids[0], HeartbeatStats(activeJobs: 2))
        #expect(pool.handle(.signal(.terminate)) == [
            .notify(.stopping),
            .send(ids[0], .drain),
            .send(ids[1], .drain),
        ])
        #expect(!pool.snapshot.isReady)
        #expect(pool.snapshot.notReadyReason == "shutting down")
        #expect(pool.status == "draining: 2 workers left, 2 jobs running")
        #expect(pool.exit(ids[1], .exited(code: 0)) == [.requeueLeases(ids[1], countingAttempt: false)])
        pool.advance(by: 4_000)
        #expect(pool.exit(ids[0], .exited(code: 0)) == [
            .requeueLeases(ids[0], countingAttempt: false),
            .exit(code: 0),
        ])
        #expect(pool.snapshot.phase == .exited)
        #expect(pool.spawns.count == 2)
    }

    @Test func atTheDrainTimeoutWhatIsLeftIsStoppedThenKilledAndGoesBackWithoutCountingAnAttempt() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        pool.handle(.signal(.terminate))
        for _ in 0..<5 {
            pool.advance(by: 5_000)
            pool.heartbeat(w, HeartbeatStats(activeJobs: 1))
        }
        #expect(pool.advance(by: 5_000) == [.send(w, .stop)])
        #expect(pool.advance(by: 3_000) == [.signal(pid: pool.pid(w), .kill)])
        #expect(pool.exit(w, .signaled(signal: 9)) == [
            .requeueLeases(w, countingAttempt: false),
            .exit(code: 0),
        ])
    }

    @Test func aSecondTerminateSkipsTheWait() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        pool.handle(.signal(.terminate))
        pool.advance(by: 1_000)
        #expect(pool.handle(.signal(.interrupt)) == [
            .signal(pid: pool.pid(ids[0]), .kill),
            .signal(pid: pool.pid(ids[1]), .kill),
        ])
        #expect(pool.status == "stopping now: 2 workers left")
        pool.exit(ids[0], .signaled(signal: 9))
        #expect(pool.exit(ids[1], .signaled(signal: 9)) == [
            .requeueLeases(ids[1], countingAttempt: false),
            .exit(code: 0),
        ])
        // A third one changes nothing.
        #expect(pool.handle(.signal(.terminate)) == [])
    }

    @Test func aWorkerThatCrashesDuringTheDrainIsRequeuedButNotReplaced() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 2)
        pool.handle(.signal(.terminate))
        #expect(pool.exit(ids[0], .signaled(signal: 11)) == [.requeueLeases(ids[0], countingAttempt: true)])
        pool.advance(by: 60_000)
        #expect(pool.spawns.count == 2)
    }

    @Test func aDrainThatMakesProgressExtendsSystemdsTimeoutAndAStalledOneDoesNot() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        pool.heartbeat(w, HeartbeatStats(activeJobs: 3, completedJobs: 10))
        pool.handle(.signal(.terminate))
        pool.advance(by: 2_500)
        pool.heartbeat(w, HeartbeatStats(activeJobs: 2, completedJobs: 11))
        #expect(pool.advance(by: 2_500) == [.notify(.extendTimeout(milliseconds: 15_000))])
        pool.heartbeat(w, HeartbeatStats(activeJobs: 2, completedJobs: 11))
        #expect(pool.advance(by: 5_000) == [])
    }

    @Test func terminateDuringStartUpStopsWorkersThatHaveNoChannelYet() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 2))
        pool.spawned(.id("w1.1"))
        // w2.1's spawn is still in flight: its SIGTERM goes out once the pid is known.
        #expect(pool.handle(.signal(.terminate)) == [.notify(.stopping), .signal(pid: pool.pid(.id("w1.1")), .terminate)])
        #expect(pool.spawned(.id("w2.1")) == [.signal(pid: pool.pid(.id("w2.1")), .terminate)])
        #expect(pool.handle(.ready(.id("w2.1"))) == [])
        #expect(pool.state(.id("w2.1"))?.name == "draining")
    }

    @Test func terminateBeforeStartExitsAtOnce() {
        var pool = SimulatedPool()
        #expect(pool.handle(.signal(.terminate)) == [.notify(.stopping), .exit(code: 0)])
    }

    @Test func throttledRespawnsAreCancelledByAShutdown() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        pool.spawned(.id("w1.1"))
        pool.exit(.id("w1.1"), .exited(code: 3))
        #expect(pool.handle(.signal(.terminate)) == [.notify(.stopping), .exit(code: 0)])
        #expect(pool.advance(by: 10_000) == [])
    }
}
