import DroverControl
import Testing

@Suite("Heartbeats carry each running job's age and timeout")
struct HeartbeatJobAgeTests {
    @Test func agesAndTimeoutsRoundTripWithTheirJobs() throws {
        let beat = WorkerHeartbeat(
            activeJobs: 2, activeJobIDs: ["noop-a", "noop-b"], activeJobElapsedMs: [1_500, 20], activeJobTimeoutMs: [1_000, 30_000])
        var decoder = FrameDecoder<WorkerMessage>()
        let decoded = try decoder.feed(try ControlFrame.encode(WorkerMessage.heartbeat(beat)))
        #expect(decoded == [.heartbeat(beat)])
    }

    @Test func agesThatDoNotMatchTheIdsAreRefusedBeforeSending() {
        let beat = WorkerHeartbeat(activeJobIDs: ["noop-a"], activeJobElapsedMs: [1, 2], activeJobTimeoutMs: [3])
        #expect(throws: ControlProtocolError.self) { _ = try ControlFrame.encode(WorkerMessage.heartbeat(beat)) }
    }
}
