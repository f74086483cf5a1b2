import DroverControlSocket
import DroverTestSupport
import Synchronization
import Testing

@Suite("Heartbeat timer")
struct HeartbeatTimerTests {
    @Test func ticksRepeatedlyAndNeverAfterStopReturns() async throws {
        let ticks = Atomic<Int>(0)
        let timer = try HeartbeatTimer(interval: .milliseconds(10)) {
            ticks.add(1, ordering: .relaxed)
        }
        #expect(await eventually { ticks.load(ordering: .relaxed) >= 3 })
        timer.stop()
        let afterStop = ticks.load(ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(200))
        #expect(ticks.load(ordering: .relaxed) == afterStop)
    }

    @Test func aNewIntervalCutsALongWaitShort() async throws {
        let ticks = Atomic<Int>(0)
        let timer = try HeartbeatTimer(interval: .seconds(3600)) {
            ticks.add(1, ordering: .relaxed)
        }
        defer { timer.stop() }
        timer.setInterval(.milliseconds(10))
        #expect(await eventually { ticks.load(ordering: .relaxed) >= 2 })
    }

    @Test func stoppingFromInsideATickEndsTheTimer() async throws {
        let ticks = Atomic<Int>(0)
        let holder = Mutex<HeartbeatTimer?>(nil)
        // Idle until the timer is reachable from its own tick.
        let timer = try HeartbeatTimer(interval: .seconds(3600)) {
            ticks.add(1, ordering: .relaxed)
            holder.withLock { $0 }?.stop()
        }
        holder.withLock { $0 = timer }
        timer.setInterval(.milliseconds(10))
        #expect(await eventually { ticks.load(ordering: .relaxed) >= 1 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(ticks.load(ordering: .relaxed) == 1)
        timer.stop()
        holder.withLock { $0 = nil }
    }
}
