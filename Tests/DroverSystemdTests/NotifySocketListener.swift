import Foundation
import Glibc

/// A real AF_UNIX datagram socket standing in for systemd's notify socket, bound in a temp dir.
/// It receives exactly what `sd_notify` sends; closed and removed on deinit.
final class NotifySocketListener {
    let path: String
    private let directory: String
    private let descriptor: Int32

    /// Binds a socket at a path (or, with `abstract`, a Linux abstract name, given as `@name`).
    init(abstract: Bool = false) throws {
        var template = Array("/tmp/drover-sd-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw NotifySocketListenerError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: created)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw NotifySocketListenerError("socket(AF_UNIX, SOCK_DGRAM) failed: \(String(cString: strerror(errno)))")
        }
        // The abstract name reuses the unique temp directory's name, so parallel runs never collide.
        path = abstract ? "@drover-test" + directory.replacingOccurrences(of: "/", with: "-") : directory + "/notify"

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract {
            bytes[0] = 0  // a leading NUL instead of "@" is how the kernel spells an abstract name
        }
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let message = "bind(\(path)) failed: \(String(cString: strerror(errno)))"
            close(descriptor)
            try? FileManager.default.removeItem(atPath: directory)
            throw NotifySocketListenerError(message)
        }
    }

    deinit {
        close(descriptor)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The next datagram, or nil if none arrives within `timeout`. `.zero` only looks at what is
    /// queued: `sd_notify` has queued its datagram by the time it returns, so that is conclusive.
    func receive(timeout: Duration = .seconds(10)) throws -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&poller, 1, milliseconds)
        guard ready >= 0 else {
            throw NotifySocketListenerError("poll failed: \(String(cString: strerror(errno)))")
        }
        guard ready > 0 else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else {
            throw NotifySocketListenerError("recv failed: \(String(cString: strerror(errno)))")
        }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// The next `count` datagrams; fails the wait if fewer arrive within `timeout` each.
    func receive(_ count: Int, timeout: Duration = .seconds(10)) throws -> [String] {
        var messages: [String] = []
        for _ in 0..<count {
            guard let message = try receive(timeout: timeout) else {
                throw NotifySocketListenerError("expected \(count) datagrams, got \(messages.count) within \(timeout) each: \(messages)")
            }
            messages.append(message)
        }
        return messages
    }
}

struct NotifySocketListenerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
