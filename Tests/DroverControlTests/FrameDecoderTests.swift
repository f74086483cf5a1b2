import DroverControl
import Testing

@Suite("Control frames")
struct FrameDecoderTests {
    @Test func everyWorkerMessageSurvivesARoundTrip() throws {
        for message in sampleWorkerMessages {
            var decoder = FrameDecoder<WorkerMessage>()
            let decoded = try decoder.feed(try ControlFrame.encode(message))
            #expect(decoded == [message])
            try decoder.finish()
        }
    }

    @Test func everySupervisorMessageSurvivesARoundTrip() throws {
        for message in sampleSupervisorMessages {
            var decoder = FrameDecoder<SupervisorMessage>()
            #expect(try decoder.feed(try ControlFrame.encode(message)) == [message])
            try decoder.finish()
        }
    }

    @Test func framesFedOneByteAtATimeDecodeInOrder() throws {
        let stream = try sampleWorkerMessages.flatMap { try ControlFrame.encode($0) }
        var decoder = FrameDecoder<WorkerMessage>()
        var decoded: [WorkerMessage] = []
        for byte in stream {
            decoded += try decoder.feed([byte])
        }
        #expect(decoded == sampleWorkerMessages)
        #expect(decoder.bufferedByteCount == 0)
        try decoder.finish()
    }

    @Test func manyFramesInOneChunkAllDecode() throws {
        let messages = Array(repeating: sampleWorkerMessages, count: 50).flatMap { $0 }
        let stream = try messages.flatMap { try ControlFrame.encode($0) }
        var decoder = FrameDecoder<WorkerMessage>()
        #expect(try decoder.feed(stream) == messages)
    }

    @Test func aFrameSplitAcrossChunksWaitsForItsLastByte() throws {
        let frame = try ControlFrame.encode(WorkerMessage.hello(WorkerHello(workerID: "w", pid: 1, concurrency: 1)))
        var decoder = FrameDecoder<WorkerMessage>()
        #expect(try decoder.feed(frame.dropLast()).isEmpty)
        #expect(try decoder.feed(frame.suffix(1)).count == 1)
    }

    /// One bad input and the error it must give.
    struct BadFrame: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let code: ControlProtocolError.Code
        /// Whether the error shows only once the stream ends (`finish`), not on `feed`.
        var onlyAtEndOfStream = false
        var testDescription: String { name }
    }

    static let badFrames: [BadFrame] = [
        BadFrame(name: "stream ends inside a header", bytes: [0, 0], code: .truncated, onlyAtEndOfStream: true),
        BadFrame(name: "stream ends inside a body", bytes: rawFrame(type: 0x03, body: [1, 2, 3], announcedLength: 40), code: .truncated, onlyAtEndOfStream: true),
        BadFrame(name: "length header over the limit, no body sent", bytes: [0x00, 0x01, 0x00, 0x01], code: .oversized),
        BadFrame(name: "length header of 4 GiB", bytes: [0xFF, 0xFF, 0xFF, 0xFF], code: .oversized),
        BadFrame(name: "protocol version 99", bytes: rawFrame(version: 99, type: 0x02), code: .unsupportedVersion),
        BadFrame(name: "version 99 judged before its body arrives", bytes: [0, 0, 0, 100, 99], code: .unsupportedVersion),
        BadFrame(name: "unknown message type", bytes: rawFrame(type: 0x7F), code: .unknownType),
        BadFrame(name: "a supervisor message sent to the supervisor", bytes: rawFrame(type: 0x41), code: .unknownType),
        BadFrame(name: "empty payload", bytes: [0, 0, 0, 0], code: .malformedBody),
        BadFrame(name: "payload of only a version byte", bytes: [0, 0, 0, 1, 1], code: .malformedBody),
        BadFrame(name: "heartbeat body too short", bytes: rawFrame(type: 0x03, body: [0, 0, 0, 1]), code: .malformedBody),
        BadFrame(name: "bytes after a body-less message", bytes: rawFrame(type: 0x02, body: [0]), code: .malformedBody),
        BadFrame(name: "hello with invalid UTF-8 worker id", bytes: rawFrame(type: 0x01, body: [1, 0, 2, 0xC3, 0x28, 0, 0, 0, 9] + [UInt8](repeating: 0, count: 8)), code: .malformedBody),
        BadFrame(name: "hello with empty worker id", bytes: rawFrame(type: 0x01, body: [1, 0, 0, 0, 0, 0, 9] + [UInt8](repeating: 0, count: 8)), code: .malformedBody),
        BadFrame(name: "hello with pid 0", bytes: rawFrame(type: 0x01, body: [1, 0, 1, 0x77, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)), code: .malformedBody),
        BadFrame(name: "heartbeat with a NaN latency", bytes: rawFrame(type: 0x03, body: [UInt8](repeating: 0, count: 24) + bigEndian(Double.nan.bitPattern) + [UInt8](repeating: 0, count: 26)), code: .malformedBody),
        BadFrame(name: "heartbeat with a negative count", bytes: rawFrame(type: 0x03, body: [UInt8](repeating: 0xFF, count: 8) + [UInt8](repeating: 0, count: 58)), code: .malformedBody),
        BadFrame(name: "heartbeat claiming more job ids than it carries", bytes: rawFrame(type: 0x03, body: [UInt8](repeating: 0, count: 56) + [0xFF, 0xFF]), code: .malformedBody),
        BadFrame(name: "an HTTP request", bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), code: .oversized),
        BadFrame(name: "JSON", bytes: Array("{\"type\":\"heartbeat\"}\n".utf8), code: .oversized),
        BadFrame(name: "small garbage", bytes: [0, 0, 0, 3, 0xDE, 0xAD, 0xBE], code: .unsupportedVersion),
    ]

    @Test(arguments: badFrames)
    func badFrameGivesItsError(_ bad: BadFrame) {
        var decoder = FrameDecoder<WorkerMessage>()
        if bad.onlyAtEndOfStream {
            #expect(throws: Never.self) { _ = try decoder.feed(bad.bytes) }
            let error = #expect(throws: ControlProtocolError.self) { try decoder.finish() }
            #expect(error?.code == bad.code)
        } else {
            let error = #expect(throws: ControlProtocolError.self) { _ = try decoder.feed(bad.bytes) }
            #expect(error?.code == bad.code, "\(error.map(String.init(describing:)) ?? "no error")")
        }
    }

    @Test func aDecoderStaysFailedAfterABadFrame() throws {
        var decoder = FrameDecoder<WorkerMessage>()
        #expect(throws: ControlProtocolError.self) { _ = try decoder.feed(rawFrame(type: 0x7F)) }
        let good = try ControlFrame.encode(WorkerMessage.ready)
        let error = #expect(throws: ControlProtocolError.self) { _ = try decoder.feed(good) }
        #expect(error?.code == .unknownType)
    }

    @Test func aTinyMaximumRefusesAFrameThatWouldFitTheDefault() {
        var decoder = FrameDecoder<WorkerMessage>(maxFrameSize: 16)
        let frame = try! ControlFrame.encode(WorkerMessage.heartbeat(WorkerHeartbeat()))
        let error = #expect(throws: ControlProtocolError.self) { _ = try decoder.feed(frame) }
        #expect(error?.code == .oversized)
    }

    @Test func encodingRefusesAMessageOverTheFrameLimit() {
        let ids = (0 ..< 2000).map { "job-\($0)-" + String(repeating: "x", count: 40) }
        let error = #expect(throws: ControlProtocolError.self) {
            _ = try ControlFrame.encode(WorkerMessage.heartbeat(WorkerHeartbeat(activeJobIDs: ids)))
        }
        #expect(error?.code == .oversized)
    }

    @Test func encodingRefusesValuesTheReceiverWouldRefuse() {
        let bad: [WorkerMessage] = [
            .heartbeat(WorkerHeartbeat(activeJobs: -1)),
            .heartbeat(WorkerHeartbeat(cpuPercent: .nan)),
            .heartbeat(WorkerHeartbeat(memoryUsageMB: .infinity)),
            .heartbeat(WorkerHeartbeat(activeJobIDs: [""])),
            .hello(WorkerHello(workerID: "", pid: 1, concurrency: 1)),
            .hello(WorkerHello(workerID: "w", pid: 0, concurrency: 1)),
        ]
        for message in bad {
            let error = #expect(throws: ControlProtocolError.self) { _ = try ControlFrame.encode(message) }
            #expect(error?.code == .malformedBody)
        }
        #expect(throws: ControlProtocolError.self) { _ = try ControlFrame.encode(SupervisorMessage.cancelJob(id: "")) }
        #expect(throws: ControlProtocolError.self) { _ = try ControlFrame.encode(SupervisorMessage.heartbeatInterval(milliseconds: 0)) }
    }

    @Test func theFrameLayoutIsLengthVersionTypeBody() throws {
        let frame = try ControlFrame.encode(SupervisorMessage.heartbeatInterval(milliseconds: 258))
        #expect(frame == [0, 0, 0, 6, ControlProtocol.version, 0x45, 0, 0, 1, 2])
    }
}

private func bigEndian(_ value: UInt64) -> [UInt8] {
    (0 ..< 8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
}
