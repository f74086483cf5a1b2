import DroverControl
import DroverPosix
import Glibc

/// One end of a control channel: framed messages in on a dedicated reader thread, frames out on `send`.
///
/// The supervisor holds a `SupervisorEndpoint` per worker; a worker holds one `WorkerEndpoint`.
/// `messages` ends normally on a clean end of stream or after `close()`, and throws a
/// `ControlChannelError` on a bad frame, a read error or a failed send; either way the descriptor
/// is closed by then and the peer sees end of stream. The channel lives until one of those
/// happens, whether or not this object is still referenced.
public final class ControlEndpoint<Inbound: ControlMessage, Outbound: ControlMessage>: Sendable {
    /// Messages from the peer, in order; iterate it from one task.
    public let messages: AsyncThrowingStream<Inbound, any Error>
    private let socket: ControlSocket
    private let maxFrameSize: Int

    /// Takes ownership of `fd`, a connected Unix stream socket, and starts its reader thread.
    ///
    /// - Parameter sendTimeout: how long `send` waits for a peer that takes no data before it
    ///   gives up and closes the channel; a peer that stops reading is hung.
    /// - Throws: `.notAControlSocket` if `fd` is not a stream socket; on any error `fd` is left open.
    public init(adopting fd: Int32, sendTimeout: Duration = .seconds(5), maxFrameSize: Int = ControlProtocol.maxFrameSize) throws(ControlChannelError) {
        try Self.checkStreamSocket(fd)
        try Self.setSendTimeout(fd, sendTimeout)
        let socket = ControlSocket(fd: fd)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Inbound.self, throwing: (any Error).self)
        continuation.onTermination = { termination in
            // The reader stopped listening: nobody would hear the peer, so hang up.
            if case .cancelled = termination {
                socket.shutDown(failure: nil)
            }
        }
        do {
            try DedicatedThread.start(name: "drover-control") {
                ControlReader<Inbound>(socket: socket, continuation: continuation, maxFrameSize: maxFrameSize).run()
            }
        } catch {
            throw ControlChannelError(.systemCallFailed, "cannot start the control reader thread", errno: error.code)
        }
        self.socket = socket
        self.messages = stream
        self.maxFrameSize = maxFrameSize
    }

    /// Writes one whole frame; safe from any thread, frames never interleave.
    ///
    /// Blocks only while the socket buffer is full, and at most `sendTimeout`.
    /// - Throws: `.invalidMessage` (channel stays open) when the message cannot be encoded;
    ///   `.peerClosed`, `.sendTimedOut`, `.closed` or `.systemCallFailed` otherwise, and the
    ///   channel is closed after any of those.
    public func send(_ message: Outbound) throws(ControlChannelError) {
        let frame: [UInt8]
        do {
            frame = try ControlFrame.encode(message, maxFrameSize: maxFrameSize)
        } catch {
            throw ControlChannelError(.invalidMessage, "cannot send \(message): \(error.message)", protocolError: error)
        }
        try socket.writeAll(frame)
    }

    /// Hangs up: `messages` ends without an error and the peer sees end of stream. Idempotent.
    public func close() {
        socket.shutDown(failure: nil)
    }

    /// Whether the channel no longer carries messages (closed here, by the peer, or by an error).
    public var isClosed: Bool {
        socket.isClosed
    }

    private static func checkStreamSocket(_ fd: Int32) throws(ControlChannelError) {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 {
            throw ControlChannelError(.notAControlSocket, "descriptor \(fd) is not a socket", errno: .current)
        }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw ControlChannelError(.notAControlSocket, "descriptor \(fd) is a socket of type \(type), not a stream socket")
        }
    }

    private static func setSendTimeout(_ fd: Int32, _ timeout: Duration) throws(ControlChannelError) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if value.tv_sec == 0, value.tv_usec == 0 {
            // Zero would mean "block forever", the opposite of a tiny timeout.
            value.tv_usec = 1
        }
        if setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) != 0 {
            throw ControlChannelError(.systemCallFailed, "setsockopt(\(fd), SO_SNDTIMEO)", errno: .current)
        }
    }
}

/// The supervisor's end of one worker's channel.
public typealias SupervisorEndpoint = ControlEndpoint<WorkerMessage, SupervisorMessage>

/// A worker's end of its channel to the supervisor.
public typealias WorkerEndpoint = ControlEndpoint<SupervisorMessage, WorkerMessage>
