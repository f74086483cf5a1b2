import DroverPosix
import DroverTestSupport
import Foundation
import Glibc
import Testing

@Suite("drover status, scale and drain through the admin socket", .serialized)
struct AdminSocketTests {
    func drover(_ arguments: [String], _ serve: ServeFixture) async throws -> (code: Int32, out: String, err: String) {
        let child = try await ChildProcess.run(
            try DroverExecutable.path, arguments + ["--socket", serve.directory + "/run/admin.sock"])
        let exit = try await child.wait(timeout: .seconds(30))
        guard case .exited(let code) = exit else { return (-1, child.standardOutput(), child.standardError()) }
        return (code, child.standardOutput(), child.standardError())
    }

    @Test func statusScaleAndDrainChangeTheRunningPool() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            let status = try await drover(["status", "--json"], serve)
            #expect(status.code == 0, "\(status.err)")
            #expect(status.out.contains("\"desiredWorkers\":1"))
            let scaled = try await drover(["scale", "3"], serve)
            #expect(scaled.code == 0, "\(scaled.err)")
            try await serve.waitForReady(3)
            let drained = try await drover(["drain", "w1"], serve)
            #expect(drained.code == 0, "\(drained.err)")
            try await serve.waitForReady(4)
            let text = try await drover(["status"], serve)
            #expect(text.out.contains("3 desired"))
            let refused = try await drover(["drain", "w99"], serve)
            #expect(refused.code == 1)
            #expect(refused.err.contains("refused"))
        }
    }

    @Test func garbageOnTheAdminSocketLeavesTheSupervisorServing() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            for garbage in ["not json\n", "{\"command\": \"explode\"}\n", String(repeating: "A", count: 100_000), "\u{0}\u{1}\u{2}\n"] {
                sendRaw(garbage, to: serve.directory + "/run/admin.sock")
            }
            let status = try await drover(["status"], serve)
            #expect(status.code == 0, "\(status.err)")
            #expect(serve.process.isRunning)
        }
    }

    @Test func statusWithoutASupervisorSaysSo() async throws {
        let child = try await ChildProcess.run(try DroverExecutable.path, ["status", "--socket", "/nonexistent/admin.sock"])
        let exit = try await child.wait(timeout: .seconds(30))
        #expect(exit == .exited(code: 1))
        #expect(child.standardError().contains("no admin socket"))
    }
}

/// Connects, writes, reads whatever comes back, and closes.
func sendRaw(_ text: String, to path: String) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
    }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else { return }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    _ = recv(fd, &buffer, buffer.count, 0)
}
