import DroverControl
@testable import DroverSupervisor
import Testing

@Suite("Heartbeat figures the supervisor takes in")
struct HeartbeatStatsTests {
    @Test("absurd but well-formed figures are clamped to a year, so no deadline arithmetic overflows")
    func absurdFiguresAreClamped() {
        let beat = WorkerHeartbeat(
            uptimeSeconds: 1e300, activeJobIDs: ["noop-0000000000000000000000000000"],
            activeJobElapsedMs: [Int.max], activeJobTimeoutMs: [Int.max])
        let stats = Supervisor.stats(beat)
        #expect(stats.uptimeMs == Supervisor.longestReportedMs)
        #expect(stats.runningJobs.map(\.elapsedMs) == [Supervisor.longestReportedMs])
        #expect(stats.runningJobs.map(\.timeoutMs) == [Supervisor.longestReportedMs])
    }

    @Test("ordinary figures pass through unchanged")
    func ordinaryFiguresPassThrough() {
        let beat = WorkerHeartbeat(
            uptimeSeconds: 12.5, activeJobIDs: ["noop-0000000000000000000000000000", "noop-0000000000000000000000000001"],
            activeJobElapsedMs: [40, 7], activeJobTimeoutMs: [30_000, 0])
        let stats = Supervisor.stats(beat)
        #expect(stats.uptimeMs == 12_500)
        // The job with no timeout said is left to the worker.
        #expect(stats.runningJobs.map(\.id) == ["noop-0000000000000000000000000000"])
        #expect(stats.runningJobs.map(\.elapsedMs) == [40])
        #expect(stats.runningJobs.map(\.timeoutMs) == [30_000])
    }
}
