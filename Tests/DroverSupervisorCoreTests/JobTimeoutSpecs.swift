import DroverSupervisorCore
import Testing

@Suite("Job timeouts")
struct JobTimeoutSpecs {
    static func running(_ id: String, elapsed: Int64, timeout: Int64 = 10_000) -> HeartbeatStats {
        HeartbeatStats(activeJobs: 1, runningJobs: [RunningJob(id: id, elapsedMs: elapsed, timeoutMs: timeout)])
    }

    @Test func overdueJobIsCancelledThenItsWorkerKilledAfterTheGraceAndTheJobCountsAnAttempt() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        let pid = pool.pid(w)
        pool.heartbeat(w, Self.running("j1", elapsed: 1_000))
        pool.advance(by: 5_000)
        pool.heartbeat(w, Self.running("j1", elapsed: 6_000))
        #expect(pool.advance(by: 3_999) == [])
        #expect(pool.advance(by: 1) == [.send(w, .cancelJob("j1"))])
        pool.advance(by: 1_000)
        // The worker did not get it back within the grace: still listed 10 s after the timeout.
        #expect(pool.heartbeat(w, Self.running("j1", elapsed: 11_000)) == [])
        pool.now = pool.now + 9_000
        #expect(pool.heartbeat(w, Self.running("j1", elapsed: 20_000)) == [.signal(pid: pid, .abort)])
        #expect(pool.state(w) == .stopping(.aborted, reason: .jobOverran(jobID: "j1"), rungDeadline: pool.now + 5_000))
        #expect(pool.advance(by: 5_000) == [.signal(pid: pid, .kill)])
        #expect(pool.exit(w, .signaled(signal: 9)) == [
            .requeueLeases(w, countingAttempt: true),
            .spawn(SlotID(1), .id("w1.2")),
        ])
    }

    @Test func aJobCancelledWithinTheGraceSparesItsWorker() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        pool.heartbeat(w, Self.running("j1", elapsed: 9_000))
        #expect(pool.advance(by: 1_000) == [.send(w, .cancelJob("j1"))])
        pool.advance(by: 4_000)
        #expect(pool.heartbeat(w, HeartbeatStats()) == [])
        for _ in 0..<10 {
            #expect(pool.advance(by: 5_000) == [])
            pool.heartbeat(w)
        }
        #expect(pool.state(w) == .idle)
    }

    @Test func theCancelIsSentOnceEvenAcrossManyHeartbeats() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        for elapsed in stride(from: Int64(10_000), through: 18_000, by: 2_000) {
            pool.heartbeat(w, Self.running("j1", elapsed: elapsed))
            pool.advance(by: 2_000)
        }
        #expect(pool.all.filter { $0 == .send(w, .cancelJob("j1")) }.count == 1)
    }
}
