import DroverPosix
import DroverTestSupport
import Foundation
import Glibc
import Testing

@Suite("drover serve talks to systemd's notify socket", .serialized)
struct SystemdNotifyTests {
    @Test func readyStatusWatchdogAndStoppingArriveInOrder() async throws {
        let directory = NSTemporaryDirectory() + "drover-notify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/notify.sock"
        let fd = try bindDatagramSocket(socketPath)
        defer { close(fd) }
        try await withServe(workers: 2, environment: [
            "NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000",
        ]) { serve in
            var received: [String] = []
            try await eventually("READY=1 and a watchdog ping") {
                received += drain(fd)
                return received.contains("READY=1") && received.contains("WATCHDOG=1")
            }
            try serve.process.kill(.sigterm)
            // Keep reading as systemd would: a datagram socket holds only a few messages
            // (net.unix.max_dgram_qlen, 10 by default), and a full one blocks the sender.
            try await eventually(timeout: .seconds(25), "the supervisor exits after its drain") {
                received += drain(fd)
                return !serve.process.isRunning
            }
            _ = try await serve.process.wait(timeout: .seconds(5))
            received += drain(fd)
            let ready = try #require(received.firstIndex(of: "READY=1"))
            let status = try #require(received.firstIndex { $0.hasPrefix("STATUS=") })
            let watchdog = try #require(received.firstIndex(of: "WATCHDOG=1"))
            let stopping = try #require(received.firstIndex { $0.hasPrefix("STOPPING=1") })
            #expect(status < stopping)
            #expect(ready < stopping && watchdog < stopping)
            // READY=1 only once the workers are ready.
            #expect(serve.readyPIDs().count >= 2)
        }
    }
}

func bindDatagramSocket(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
    return fd
}

/// Every datagram waiting on the socket, split into its `KEY=VALUE` lines.
func drain(_ fd: Int32) -> [String] {
    var out: [String] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        out += String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").map(String.init)
    }
    return out
}
