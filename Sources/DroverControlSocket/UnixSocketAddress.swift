import DroverPosix
import Glibc

/// Builds `sockaddr_un` values for filesystem paths, refusing paths that would be cut short.
enum UnixSocketAddress {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maxPathLength = MemoryLayout<sockaddr_un>.size - MemoryLayout<sa_family_t>.size - 1

    static func check(_ path: String) throws(AdminSocketError) {
        guard !path.isEmpty else {
            throw AdminSocketError(.pathTooLong, "admin socket path is empty")
        }
        guard path.utf8.count <= maxPathLength else {
            throw AdminSocketError(.pathTooLong, "admin socket path \(path) is \(path.utf8.count) bytes; Unix sockets allow \(maxPathLength)")
        }
    }

    /// Calls `body` with the address of `path`; `path` must have passed `check`.
    static func with<Result>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(maxPathLength).enumerated() {
                buffer[index] = byte
            }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// A new close-on-exec Unix stream socket.
    static func makeSocket() throws(AdminSocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw AdminSocketError(.systemCallFailed, "socket(AF_UNIX)", errno: .current)
        }
        return fd
    }

    /// Sets both directions' timeouts, so a silent peer costs at most `timeout` per call.
    static func setTimeouts(_ fd: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: max(Int(attoseconds / 1_000_000_000_000), seconds == 0 ? 1 : 0))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`; false if the peer went away or stopped reading.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                // MSG_NOSIGNAL: a client that hung up must not SIGPIPE the supervisor.
                Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if Glibc.errno == EINTR {
                    continue
                }
                return false
            }
            offset += written
        }
        return true
    }
}
