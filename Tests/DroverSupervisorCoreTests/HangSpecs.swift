import DroverSupervisorCore
import Testing

@Suite("Hung and unreadable workers")
struct HangSpecs {
    @Test func silentWorkerIsAbortedAtTheHangTimeoutKilledAfterTheGraceThenRequeuedAndReplaced() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        let pid = pool.pid(w)
        pool.heartbeat(w, HeartbeatStats(activeJobs: 1))
        #expect(pool.advance(by: 29_999) == [])
        #expect(pool.advance(by: 1) == [.signal(pid: pid, .abort)])
        #expect(pool.state(w) == .stopping(.aborted, reason: .hung, rungDeadline: pool.now + 5_000))
        #expect(pool.advance(by: 4_999) == [])
        #expect(pool.advance(by: 1) == [.signal(pid: pid, .kill)])
        #expect(pool.exit(w, .signaled(signal: 9)) == [
            .requeueLeases(w, countingAttempt: true),
            .spawn(SlotID(1), .id("w1.2")),
        ])
    }

    @Test func hangIsDetectedWithinTheTimeoutPlusOneHeartbeatInterval() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        var lastHeartbeat = pool.now
        var abortedAt: Instant?
        // Heartbeats every 5 s for a minute, then silence; the supervisor ticks every 700 ms.
        for step in 1...200 {
            pool.now = pool.now + 700
            if step * 700 <= 60_000 && (step * 700) % 5_000 < 700 {
                pool.heartbeat(w)
                lastHeartbeat = pool.now
            }
            if pool.tick().contains(.signal(pid: pool.pid(w), .abort)) {
                abortedAt = pool.now
                break
            }
        }
        let detected = try! #require(abortedAt)
        #expect(detected - lastHeartbeat >= 30_000)
        #expect(detected - lastHeartbeat <= 30_000 + 5_000)
    }

    @Test func steadyHeartbeatsKeepAWorkerAlive() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        for _ in 0..<100 {
            #expect(pool.advance(by: 5_000).isEmpty)
            pool.heartbeat(w, HeartbeatStats(activeJobs: 1))
        }
        #expect(pool.state(w) == .busy(activeJobs: 1))
    }

    @Test func workerThatNeverBecomesReadyIsAbortedAtTheBootTimeoutAndRespawnedWithBackoff() {
        var pool = SimulatedPool()
        pool.handle(.started(desiredWorkers: 1))
        pool.spawned(.id("w1.1"))
        pool.handle(.hello(.id("w1.1")))
        #expect(pool.advance(by: 20_000) == [.signal(pid: pool.pid(.id("w1.1")), .abort)])
        let actions = pool.exit(.id("w1.1"), .signaled(signal: 6))
        // Nothing ran yet, so no attempt counts; a boot that hangs would hang again, so back off.
        #expect(actions == [.requeueLeases(.id("w1.1"), countingAttempt: false)])
        #expect(pool.advance(by: 1_000) == [.spawn(SlotID(1), .id("w1.2"))])
    }

    @Test func brokenControlChannelIsTreatedLikeAHang() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        #expect(pool.handle(.channelBroken(w, reason: "frame of 9 GB exceeds the 1 MB limit")) == [.signal(pid: pool.pid(w), .abort)])
        #expect(pool.advance(by: 5_000) == [.signal(pid: pool.pid(w), .kill)])
        #expect(pool.exit(w, .signaled(signal: 9)).first == .requeueLeases(w, countingAttempt: true))
        // Nothing is sent over a channel that is known to be broken.
        #expect(!pool.all.contains { if case .send(w, _) = $0 { true } else { false } })
    }

    @Test func aProcessThatSurvivesSigkillIsKilledAgainAndReportedLoudly() {
        var pool = SimulatedPool()
        let w = pool.start(workers: 1)[0]
        pool.handle(.resources(w, ResourceSample(rssBytes: 2 << 30)))
        #expect(pool.advance(by: 2_000) == [.signal(pid: pool.pid(w), .kill)])
        #expect(pool.all.contains { if case .log(.critical, let message, _) = $0 { message.contains("survived SIGKILL") } else { false } })
    }
}
