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

    @Test func ragCacheCountsRoundTripAndATruncatedTailIsRefused() throws {
        var beat = WorkerHeartbeat(activeJobs: 1, activeJobIDs: ["ask-a"], activeJobElapsedMs: [5], activeJobTimeoutMs: [30_000])
        beat.cache = CacheCounts(l1Hits: 40, l1Misses: 12, l2Hits: 9, l2Misses: 3)
        let frame = try ControlFrame.encode(WorkerMessage.heartbeat(beat))
        var decoder = FrameDecoder<WorkerMessage>()
        #expect(try decoder.feed(frame) == [.heartbeat(beat)])
        // The same frame without its last count, length prefix adjusted: a clear protocol error.
        var short = Array(frame.dropLast(1))
        let length = short.count - ControlProtocol.headerSize
        for index in 0 ..< ControlProtocol.headerSize {
            short[index] = UInt8(truncatingIfNeeded: length >> (8 * (ControlProtocol.headerSize - 1 - index)))
        }
        var strict = FrameDecoder<WorkerMessage>()
        #expect(throws: ControlProtocolError.self) { _ = try strict.feed(short) }
    }

    @Test func agesThatDoNotMatchTheIdsAreRefusedBeforeSending() {
        let beat = WorkerHeartbeat(activeJobIDs: ["noop-a"], activeJobElapsedMs: [1, 2], activeJobTimeoutMs: [3])
        #expect(throws: ControlProtocolError.self) { _ = try ControlFrame.encode(WorkerMessage.heartbeat(beat)) }
    }
}
