import DroverControl
import DroverControlSocket
import DroverPosix
import DroverTestSupport
import Foundation
import Glibc
import Testing

@Suite("Control endpoints over real sockets")
struct ControlEndpointTests {
    @Test func messagesFlowBothWaysOverASocketPair() async throws {
        let (supervisor, workerFD) = try SupervisorEndpoint.makeWorkerChannel()
        let worker = try WorkerEndpoint(adopting: workerFD)
        for message in sampleWorkerMessages {
            try worker.send(message)
        }
        for message in sampleSupervisorMessages {
            try supervisor.send(message)
        }
        var fromWorker: [WorkerMessage] = []
        for try await message in supervisor.messages {
            fromWorker.append(message)
            if fromWorker.count == sampleWorkerMessages.count {
                break
            }
        }
        var fromSupervisor: [SupervisorMessage] = []
        for try await message in worker.messages {
            fromSupervisor.append(message)
            if fromSupervisor.count == sampleSupervisorMessages.count {
                break
            }
        }
        #expect(fromWorker == sampleWorkerMessages)
        #expect(fromSupervisor == sampleSupervisorMessages)
        worker.close()
        supervisor.close()
    }

    @Test func framesFromManyThreadsNeverInterleave() async throws {
        let (supervisor, workerFD) = try SupervisorEndpoint.makeWorkerChannel()
        let worker = try WorkerEndpoint(adopting: workerFD)
        let senders = 4
        let perSender = 200
        let ids = (0 ..< 100).map { "job-\($0)" }
        await withTaskGroup(of: Void.self) { group in
            for sender in 0 ..< senders {
                group.addTask {
                    for index in 0 ..< perSender {
                        try? worker.send(.heartbeat(WorkerHeartbeat(activeJobs: sender, completedJobs: index, activeJobIDs: ids)))
                    }
                }
            }
        }
        var received = 0
        for try await message in supervisor.messages {
            guard case .heartbeat(let beat) = message else {
                Issue.record("unexpected \(message)")
                break
            }
            #expect(beat.activeJobIDs == ids)
            received += 1
            if received == senders * perSender {
                break
            }
        }
        #expect(received == senders * perSender)
        worker.close()
    }

    @Test func aCleanEndOfStreamEndsMessagesWithoutAnError() async throws {
        let (ours, theirs) = rawSocketPair()
        let endpoint = try SupervisorEndpoint(adopting: ours)
        writeRaw(theirs, try ControlFrame.encode(WorkerMessage.ready))
        Glibc.close(theirs)
        var received: [WorkerMessage] = []
        for try await message in endpoint.messages {
            received.append(message)
        }
        #expect(received == [.ready])
        #expect(endpoint.isClosed)
    }

    @Test(arguments: [
        ("garbage", Array("this is not a frame at all".utf8), ControlProtocolError.Code.oversized),
        ("version 99", rawFrame(version: 99, type: 0x02), .unsupportedVersion),
        ("unknown type", rawFrame(type: 0x66), .unknownType),
        ("malformed heartbeat", rawFrame(type: 0x03, body: [1]), .malformedBody),
    ])
    func aBadFrameEndsTheChannelWithItsErrorAndThePeerSeesEndOfStream(name: String, bytes: [UInt8], code: ControlProtocolError.Code) async throws {
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        let endpoint = try SupervisorEndpoint(adopting: ours)
        // A good message first: it is delivered, then the bad frame ends the stream.
        writeRaw(theirs, try ControlFrame.encode(WorkerMessage.ready))
        writeRaw(theirs, bytes)
        var received: [WorkerMessage] = []
        let error = await #expect(throws: ControlChannelError.self) {
            for try await message in endpoint.messages {
                received.append(message)
            }
        }
        #expect(error?.code == .protocolViolation)
        #expect(error?.protocolError?.code == code)
        #expect(received == [.ready] || received.isEmpty)
        #expect(seesEndOfStream(theirs))
        #expect(throws: ControlChannelError.self) { try endpoint.send(.drain) }
    }

    @Test func aPeerThatHangsUpMidFrameGivesTruncated() async throws {
        let (ours, theirs) = rawSocketPair()
        let endpoint = try SupervisorEndpoint(adopting: ours)
        writeRaw(theirs, Array(try ControlFrame.encode(WorkerMessage.heartbeat(WorkerHeartbeat())).prefix(10)))
        Glibc.close(theirs)
        let error = await #expect(throws: ControlChannelError.self) {
            for try await _ in endpoint.messages {}
        }
        #expect(error?.protocolError?.code == .truncated)
    }

    @Test func sendingToAClosedPeerThrowsInsteadOfRaisingSIGPIPE() async throws {
        let (ours, theirs) = rawSocketPair()
        let endpoint = try SupervisorEndpoint(adopting: ours)
        Glibc.close(theirs)
        // SIGPIPE's default action would kill this test process; surviving is half the check.
        var failure: ControlChannelError?
        for _ in 0 ..< 1000 where failure == nil {
            do {
                try endpoint.send(.drain)
            } catch {
                failure = error
            }
        }
        #expect(failure?.code == .peerClosed || failure?.code == .closed)
        #expect(await eventually { endpoint.isClosed })
    }

    @Test func closeEndsMessagesNormallyAndThePeerSeesEndOfStream() async throws {
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        let endpoint = try WorkerEndpoint(adopting: ours)
        endpoint.close()
        endpoint.close()
        for try await _ in endpoint.messages {}
        #expect(seesEndOfStream(theirs))
        let error = #expect(throws: ControlChannelError.self) { try endpoint.send(.ready) }
        #expect(error?.code == .closed)
    }

    @Test func abandoningTheMessageLoopHangsUp() async throws {
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        let endpoint = try SupervisorEndpoint(adopting: ours)
        let reader = Task {
            for try await _ in endpoint.messages {}
        }
        reader.cancel()
        _ = await reader.result
        #expect(seesEndOfStream(theirs))
    }

    @Test func aPeerThatStopsReadingMakesSendTimeOutAndCloseTheChannel() async throws {
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        let endpoint = try SupervisorEndpoint(adopting: ours, sendTimeout: .milliseconds(100))
        let bigID = String(repeating: "j", count: 60_000)
        var failure: ControlChannelError?
        // The socket buffer holds at most a few MB; 2000 frames of ~60 KB overflow any of them.
        for _ in 0 ..< 2000 where failure == nil {
            do {
                try endpoint.send(.cancelJob(id: bigID))
            } catch {
                failure = error
            }
        }
        #expect(failure?.code == .sendTimedOut)
        let streamError = await #expect(throws: ControlChannelError.self) {
            for try await _ in endpoint.messages {}
        }
        #expect(streamError?.code == .sendTimedOut)
    }

    @Test func aMessageThatCannotBeEncodedIsRefusedAndTheChannelStaysOpen() async throws {
        let (supervisor, workerFD) = try SupervisorEndpoint.makeWorkerChannel()
        let worker = try WorkerEndpoint(adopting: workerFD)
        let error = #expect(throws: ControlChannelError.self) {
            try worker.send(.heartbeat(WorkerHeartbeat(cpuPercent: .nan)))
        }
        #expect(error?.code == .invalidMessage)
        #expect(!worker.isClosed)
        try worker.send(.ready)
        for try await message in supervisor.messages {
            #expect(message == .ready)
            break
        }
        worker.close()
    }

    @Test func adoptingSomethingOtherThanAStreamSocketIsRefused() throws {
        let (readEnd, writeEnd) = try Posix.pipe()
        defer {
            Posix.close(readEnd)
            Posix.close(writeEnd)
        }
        let error = #expect(throws: ControlChannelError.self) { _ = try WorkerEndpoint(adopting: readEnd) }
        #expect(error?.code == .notAControlSocket)
        #expect(Posix.isOpen(readEnd))

        let datagram = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { Glibc.close(datagram) }
        let datagramError = #expect(throws: ControlChannelError.self) { _ = try WorkerEndpoint(adopting: datagram) }
        #expect(datagramError?.code == .notAControlSocket)
    }

    @Test func aWorkerFindsItsChannelThroughTheEnvironment() async throws {
        let key = "DROVER_TEST_CONTROL_FD_\(UUID().uuidString.prefix(8))"
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        try Posix.setCloseOnExec(ours, false)
        setenv(key, "\(ours)", 1)
        defer { unsetenv(key) }
        let worker = try WorkerEndpoint.inherited(environmentKey: key)
        #expect(try Posix.isCloseOnExec(ours))
        try worker.send(.ready)
        var decoder = FrameDecoder<WorkerMessage>()
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(theirs, &buffer, buffer.count, 0)
        #expect(try decoder.feed(buffer.prefix(max(count, 0))) == [.ready])
        worker.close()
    }

    @Test func aWorkerWithoutAUsableControlVariableGetsAClearError() throws {
        let key = "DROVER_TEST_CONTROL_FD_\(UUID().uuidString.prefix(8))"
        let missing = #expect(throws: ControlChannelError.self) { _ = try WorkerEndpoint.inherited(environmentKey: key) }
        #expect(missing?.code == .notAControlSocket)
        #expect(missing?.message.contains(key) == true)
        for value in ["abc", "1", "-4", "99999"] {
            setenv(key, value, 1)
            defer { unsetenv(key) }
            let error = #expect(throws: ControlChannelError.self) { _ = try WorkerEndpoint.inherited(environmentKey: key) }
            #expect(error?.code == .notAControlSocket, "\(value)")
        }
    }

    @Test func heartbeatsKeepFlowingWhileTheJobThreadIsBlocked() throws {
        let (ours, theirs) = rawSocketPair()
        defer { Glibc.close(theirs) }
        let worker = try WorkerEndpoint(adopting: ours)
        let timer = try HeartbeatTimer(interval: .milliseconds(20)) {
            try? worker.send(.heartbeat(WorkerHeartbeat(activeJobs: 1, activeJobIDs: ["long-job"])))
        }
        defer {
            timer.stop()
            worker.close()
        }
        // This thread stands in for a job that never yields: it only sleeps and peeks, never awaits.
        var decoder = FrameDecoder<WorkerMessage>()
        var heartbeats = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(20)
        while heartbeats < 3, ContinuousClock.now < deadline {
            usleep(100_000)
            let count = recv(theirs, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                heartbeats += try decoder.feed(buffer.prefix(count)).count
            }
        }
        #expect(heartbeats >= 3)
    }
}
