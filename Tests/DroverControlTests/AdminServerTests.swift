import DroverControl
import DroverControlSocket
import DroverPosix
import DroverTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// How long a test's client waits for an answer. Far above the CLI's 10 s: in a full parallel
/// test run the test process can go seconds without a turn on its cooperative threads, which
/// both the server's handler and the awaiting test need.
private let patience: Duration = .seconds(60)

@Suite("Admin socket")
struct AdminServerTests {
    @Test func statusScaleAndDrainRoundTripThroughARealServer() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        #expect(try await AdminClient.request(.scale(workers: 4), socketPath: scratch.socketPath, timeout: patience) == .ok("scaling to 4 workers"))
        #expect(try await AdminClient.request(.scale(workers: 100), socketPath: scratch.socketPath, timeout: patience) == .error("at most 64 workers"))
        #expect(try await AdminClient.request(.drain(workerID: "w-1"), socketPath: scratch.socketPath, timeout: patience) == .ok("draining w-1"))
        #expect(try await AdminClient.request(.drain(workerID: "w-9"), socketPath: scratch.socketPath, timeout: patience) == .error("no worker w-9"))
        #expect(running.received.all == [.status, .scale(workers: 4), .scale(workers: 100), .drain(workerID: "w-1"), .drain(workerID: "w-9")])
        await running.stop()
    }

    @Test func aRequestWithoutATrailingNewlineIsStillServed() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        let answer = await onThread { rawExchange(scratch.socketPath, Array(#"{"command":"status"}"#.utf8)) }
        #expect(answer.map { try? AdminResponse(jsonLine: $0) } == .status(AdminProtocolTests.status))
        await running.stop()
    }

    /// Bytes a confused or hostile client might send.
    struct BadInput: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let bytes: [UInt8]
    }

    static let badInputs = [
        BadInput(testDescription: "text", bytes: Array("hello there\n".utf8)),
        BadInput(testDescription: "binary with NULs", bytes: [0, 1, 2, 0xFF, 0xFE, 0, 0x0A]),
        BadInput(testDescription: "JSON of the wrong shape", bytes: Array("[\"status\"]\n".utf8)),
        BadInput(testDescription: "unknown command", bytes: Array("{\"command\":\"rm -rf\"}\n".utf8)),
        BadInput(testDescription: "an overlong line", bytes: Array(String(repeating: "x", count: 5000).utf8) + [0x0A]),
        BadInput(testDescription: "an overlong line never ended", bytes: Array(String(repeating: "{", count: 4097).utf8)),
        BadInput(testDescription: "a control-channel frame", bytes: [0, 0, 0, 2, 1, 2]),
    ]

    @Test(arguments: badInputs)
    func badInputGetsAnErrorLineAndTheServerAnswersTheNextClient(_ input: BadInput) async throws {
        let bytes = input.bytes
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        let answer = try #require(await onThread { rawExchange(scratch.socketPath, bytes) })
        guard case .error(let message) = try AdminResponse(jsonLine: answer) else {
            Issue.record("expected an error response, got \(answer)")
            return
        }
        #expect(!message.isEmpty)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        #expect(running.received.all == [.status])
        await running.stop()
    }

    @Test func aClientThatConnectsAndLeavesCostsNothing() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        #expect(await onThread { rawExchange(scratch.socketPath, []) } == nil)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        await running.stop()
    }

    @Test func aSilentClientTimesOutWithoutHoldingUpOthers() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath, requestTimeout: .milliseconds(300))
        let path = scratch.socketPath
        let silent = Task { await onThread { rawExchange(path, [], closeWriteSide: false) } }
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        let answer = try #require(await silent.value)
        guard case .error(let message) = try AdminResponse(jsonLine: answer) else {
            Issue.record("expected a timeout error, got \(answer)")
            return
        }
        #expect(message.contains("no whole request"))
        await running.stop()
    }

    @Test func theSocketFileIsMode0600() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        var info = stat()
        #expect(lstat(scratch.socketPath, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o600)
        await running.stop()
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let scratch = ScratchDirectory()
        // A socket file whose server is gone, as a crashed supervisor leaves it.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in scratch.socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)
        let before = await #expect(throws: AdminSocketError.self) { _ = try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) }
        #expect(before?.code == .notListening)

        let running = try RunningAdminServer(path: scratch.socketPath)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        await running.stop()
    }

    @Test func aLiveServerIsNeitherReplacedNorDisturbed() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        let error = #expect(throws: AdminSocketError.self) { _ = try AdminServer(path: scratch.socketPath) }
        #expect(error?.code == .alreadyInUse)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        await running.stop()
    }

    @Test func aFileThatIsNotASocketIsLeftAlone() throws {
        let scratch = ScratchDirectory()
        try "precious".write(toFile: scratch.socketPath, atomically: false, encoding: .utf8)
        let error = #expect(throws: AdminSocketError.self) { _ = try AdminServer(path: scratch.socketPath) }
        #expect(error?.code == .notASocket)
        #expect(try String(contentsOfFile: scratch.socketPath, encoding: .utf8) == "precious")
    }

    @Test func aMissingSocketGivesTheClientAClearError() {
        let scratch = ScratchDirectory()
        let error = #expect(throws: AdminSocketError.self) { _ = try AdminClient.send(.status, socketPath: scratch.socketPath) }
        #expect(error?.code == .socketMissing)
        #expect(error?.message.contains(scratch.socketPath) == true)
        #expect(error?.message.contains("supervisor") == true)
    }

    @Test func anOverlongSocketPathIsRefusedUpFront() {
        let path = "/tmp/" + String(repeating: "d", count: 120) + "/admin.sock"
        #expect((try? AdminServer(path: path)) == nil)
        let error = #expect(throws: AdminSocketError.self) { _ = try AdminClient.send(.status, socketPath: path) }
        #expect(error?.code == .pathTooLong)
    }

    @Test func stopRemovesTheSocketAndEndsRun() async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .status(AdminProtocolTests.status))
        await running.stop()
        #expect(access(scratch.socketPath, F_OK) != 0)
        let error = await #expect(throws: AdminSocketError.self) { _ = try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) }
        #expect(error?.code == .socketMissing)
        running.server.stop()
    }

    @Test func cancellingRunStopsTheServer() async throws {
        let scratch = ScratchDirectory()
        let server = try AdminServer(path: scratch.socketPath)
        let task = Task { await server.run { _ in .ok("fine") } }
        #expect(try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience) == .ok("fine"))
        task.cancel()
        await task.value
        #expect(access(scratch.socketPath, F_OK) != 0)
    }

    @Test func aServerStoppedBeforeRunReturnsAtOnce() async throws {
        let scratch = ScratchDirectory()
        let server = try AdminServer(path: scratch.socketPath)
        server.stop()
        await server.run { _ in .ok("never") }
        #expect(access(scratch.socketPath, F_OK) != 0)
    }

    @Test func aPeerWhoseUIDThePolicyRefusesGetsAnErrorAndNoHandlerRuns() async throws {
        let scratch = ScratchDirectory()
        // The peer is this process; a policy naming another uid, without root, must refuse it.
        let otherUID = geteuid() == 54321 ? uid_t(54322) : uid_t(54321)
        let running = try RunningAdminServer(path: scratch.socketPath, access: AdminAccessPolicy(allowedUID: otherUID, allowsRoot: false))
        let response = try await AdminClient.request(.status, socketPath: scratch.socketPath, timeout: patience)
        guard case .error(let message) = response else {
            Issue.record("expected a refusal, got \(response)")
            return
        }
        #expect(message.contains("uid \(geteuid())"))
        #expect(running.received.all.isEmpty)
        await running.stop()
    }

    /// Run as uid 65534 through the real `drover status`: the server refuses and hangs up without
    /// reading, so the client's send may fail after the refusal arrived; it must still show it.
    /// Eight runs, because that race is the point.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to switch uid, and setpriv"),
          arguments: 0..<8)
    func aProcessOfAnotherUserIsRefusedBySOPeerCred(attempt: Int) async throws {
        let scratch = ScratchDirectory()
        let running = try RunningAdminServer(path: scratch.socketPath)
        // Let uid 65534 reach the socket through the file system, so only SO_PEERCRED stands in its way.
        #expect(chmod(scratch.path, 0o711) == 0)
        #expect(chown(scratch.socketPath, 65534, 65534) == 0)
        let status = try await ChildProcess.run("/usr/bin/setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", try DroverExecutable.path, "status", "--socket", scratch.socketPath,
        ])
        #expect(try await status.wait() == .exited(code: 1))
        let message = status.standardError()
        #expect(message.contains("uid 65534"))
        #expect(running.received.all.isEmpty)
        await running.stop()
    }

    @Test func theAccessDecisionAdmitsOnlyTheOwnerAndRoot() {
        let policy = AdminAccessPolicy(allowedUID: 1000)
        #expect(policy.allows(peerUID: 1000))
        #expect(policy.allows(peerUID: 0))
        #expect(!policy.allows(peerUID: 1001))
        #expect(!policy.allows(peerUID: 65534))
        #expect(!AdminAccessPolicy(allowedUID: 1000, allowsRoot: false).allows(peerUID: 0))
        #expect(AdminAccessPolicy.sameUserOrRoot.allows(peerUID: geteuid()))
    }
}
