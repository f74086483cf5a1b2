import DroverPosix
import Glibc
import Synchronization

/// One connected stream socket shared by a reader thread and any number of writers.
///
/// The descriptor is closed only by the reader thread, and only while it holds `writeLock`, so a
/// writer never writes to a closed (or reused) descriptor. Shutting the socket down is what wakes
/// the reader out of `read` and fails a blocked writer, so closing never waits on either.
final class ControlSocket: Sendable {
    struct State {
        var open = true
        /// Set once `shutdown(2)` has been called; no writes start after it.
        var shutDown = false
        /// Why we shut the socket down ourselves, if for an error; the reader ends the stream with it.
        var localFailure: ControlChannelError?
        var closedLocally = false
    }

    let fd: Int32
    let state = Mutex(State())
    /// Serialises whole frames, and the final close against them.
    private let writeLock = Mutex(())

    init(fd: Int32) {
        self.fd = fd
    }

    var isClosed: Bool {
        state.withLock { $0.shutDown || !$0.open }
    }

    /// Writes all of `bytes` as one unit, or shuts the socket down and throws.
    func writeAll(_ bytes: [UInt8]) throws(ControlChannelError) {
        try writeLock.withLock { _ throws(ControlChannelError) in
            guard state.withLock({ $0.open && !$0.shutDown }) else {
                throw ControlChannelError(.closed, "control channel is closed")
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    // MSG_NOSIGNAL: a vanished peer must be an error here, not a SIGPIPE that kills us.
                    Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                }
                if written >= 0 {
                    offset += written
                    continue
                }
                let errno = Errno.current
                if errno == .interrupted {
                    continue
                }
                let failure: ControlChannelError
                switch errno.rawValue {
                case EAGAIN, EWOULDBLOCK:
                    failure = ControlChannelError(.sendTimedOut, "peer took no data for the send timeout (\(offset) of \(bytes.count) bytes sent)", errno: errno)
                case EPIPE, ECONNRESET:
                    failure = ControlChannelError(.peerClosed, "peer closed the control channel", errno: errno)
                default:
                    failure = ControlChannelError(.systemCallFailed, "send on control channel failed", errno: errno)
                }
                // Part of a frame may be out: nothing sent after it could be framed right again.
                shutDown(failure: failure)
                throw failure
            }
        }
    }

    /// Stops both directions; the reader sees end of stream and closes the descriptor.
    func shutDown(failure: ControlChannelError?) {
        state.withLock { state in
            guard state.open, !state.shutDown else {
                return
            }
            state.shutDown = true
            if let failure {
                state.localFailure = failure
            } else {
                state.closedLocally = true
            }
            Glibc.shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    /// Called by the reader thread once it has stopped reading; the only place `fd` is closed.
    func closeFromReader() {
        state.withLock { state in
            if !state.shutDown {
                state.shutDown = true
                Glibc.shutdown(fd, Int32(SHUT_RDWR))
            }
        }
        writeLock.withLock { _ in
            state.withLock { state in
                state.open = false
                Posix.close(fd)
            }
        }
    }
}
