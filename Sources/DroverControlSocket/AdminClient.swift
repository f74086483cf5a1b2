import DroverControl
import DroverPosix
import Glibc

/// Sends one request to a running supervisor's admin socket: what `drover status|scale|drain` use.
public enum AdminClient {
    /// Connects to `socketPath`, sends `request` and waits up to `timeout` for the response.
    ///
    /// Blocks the calling thread; meant for the command line.
    /// - Throws: `.socketMissing` / `.notListening` when no supervisor runs there, with a message
    ///   that says so; `.permissionDenied`, `.timedOut`, `.connectionClosed`, `.invalidResponse`.
    public static func send(_ request: AdminRequest, socketPath: String, timeout: Duration = .seconds(10)) throws(AdminSocketError) -> AdminResponse {
        try UnixSocketAddress.check(socketPath)
        let fd = try UnixSocketAddress.makeSocket()
        defer { Posix.close(fd) }
        UnixSocketAddress.setTimeouts(fd, timeout)
        var rc: Int32
        repeat {
            rc = UnixSocketAddress.with(socketPath) { connect(fd, $0, $1) }
        } while rc != 0 && Glibc.errno == EINTR
        if rc != 0 {
            let errno = Errno.current
            switch errno.rawValue {
            case ENOENT:
                throw AdminSocketError(.socketMissing, "no admin socket at \(socketPath): is a supervisor (`drover serve`) running with this runtime directory?")
            case ECONNREFUSED:
                throw AdminSocketError(.notListening, "nothing answers at \(socketPath): the supervisor that made it is no longer running")
            case ENOTSOCK:
                throw AdminSocketError(.notASocket, "\(socketPath) is not a socket", errno: errno)
            case EACCES, EPERM:
                throw AdminSocketError(.permissionDenied, "not allowed to connect to \(socketPath): run as the supervisor's user or root", errno: errno)
            case EAGAIN:
                throw AdminSocketError(.timedOut, "the supervisor at \(socketPath) accepts no connections (backlog full)", errno: errno)
            default:
                throw AdminSocketError(.systemCallFailed, "cannot connect to \(socketPath)", errno: errno)
            }
        }
        guard UnixSocketAddress.writeAll(fd, Array((request.jsonLine + "\n").utf8)) else {
            let errno = Errno.current
            if errno.rawValue == EAGAIN {
                throw AdminSocketError(.timedOut, "the supervisor at \(socketPath) took no request within \(timeout)")
            }
            // A supervisor that refuses a caller (another uid, too many connections) answers and
            // hangs up without reading, so the send may fail after its answer arrived: show that.
            if case .line(let line) = LineReader.read(fd, limit: AdminProtocol.maxResponseLength),
               let refusal = try? AdminResponse(jsonLine: line) {
                return refusal
            }
            throw AdminSocketError(.connectionClosed, "the supervisor at \(socketPath) closed the connection before taking the request", errno: errno)
        }
        switch LineReader.read(fd, limit: AdminProtocol.maxResponseLength) {
        case .line(let line):
            do {
                return try AdminResponse(jsonLine: line)
            } catch {
                throw AdminSocketError(.invalidResponse, "the answer from \(socketPath) is not an admin response: \(error.message)")
            }
        case .empty:
            throw AdminSocketError(.connectionClosed, "the supervisor at \(socketPath) closed the connection without answering")
        case .tooLong:
            throw AdminSocketError(.invalidResponse, "the answer from \(socketPath) is longer than \(AdminProtocol.maxResponseLength) bytes")
        case .timedOut:
            throw AdminSocketError(.timedOut, "no answer from the supervisor at \(socketPath) within \(timeout)")
        case .failed(let errno):
            throw AdminSocketError(.connectionClosed, "reading the answer from \(socketPath) failed", errno: Errno(rawValue: errno))
        }
    }
}

extension AdminClient {
    /// `send`, from async code: the blocking exchange runs on a thread of its own, so waiting
    /// for a slow supervisor never ties up a cooperative-pool thread.
    public static func request(_ request: AdminRequest, socketPath: String, timeout: Duration = .seconds(10)) async throws(AdminSocketError) -> AdminResponse {
        let result: Result<AdminResponse, AdminSocketError> = await withCheckedContinuation { continuation in
            do throws(PosixError) {
                try DedicatedThread.start(name: "drover-admin-client") {
                    continuation.resume(returning: Result { () throws(AdminSocketError) in
                        try send(request, socketPath: socketPath, timeout: timeout)
                    })
                }
            } catch {
                continuation.resume(returning: .failure(AdminSocketError(.systemCallFailed, "cannot start a thread for the admin request", errno: error.code)))
            }
        }
        return try result.get()
    }
}
