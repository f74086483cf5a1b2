import DroverControl
import DroverPosix

/// Why a control channel ended or refused a message.
public struct ControlChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people and logs.
    public enum Code: String, Hashable, Sendable {
        /// The peer sent a bad frame; `protocolError` says which. Treat that peer as unhealthy.
        case protocolViolation
        /// The peer closed its end while we were writing (EPIPE/ECONNRESET).
        case peerClosed
        /// The channel is already closed (locally, by the peer, or after an earlier error).
        case closed
        /// The peer did not take our bytes within the send timeout: it is not reading.
        case sendTimedOut
        /// A message we tried to send cannot be encoded; the channel stays open.
        case invalidMessage
        /// The descriptor is not a connected Unix stream socket, or was not inherited.
        case notAControlSocket
        /// Another system call failed (`errno` says which).
        case systemCallFailed
    }

    public let code: Code
    public let message: String
    public let errno: Errno?
    /// The frame error behind `.protocolViolation` and `.invalidMessage`.
    public let protocolError: ControlProtocolError?

    public init(_ code: Code, _ message: String, errno: Errno? = nil, protocolError: ControlProtocolError? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
        self.protocolError = protocolError
    }

    public var description: String {
        if let errno {
            return "\(code.rawValue): \(message): \(errno)"
        }
        return "\(code.rawValue): \(message)"
    }
}
