import DroverPosix

/// Why the admin socket could not be served or reached.
public struct AdminSocketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for the operator.
    public enum Code: String, Hashable, Sendable {
        /// No socket file at the path: no supervisor is running there.
        case socketMissing
        /// A socket file exists but nothing listens on it: a supervisor died without cleaning up.
        case notListening
        /// The file system or the server refused us (another user's supervisor).
        case permissionDenied
        /// A live supervisor already serves this path.
        case alreadyInUse
        /// Something that is not a socket sits at the path; it is left alone.
        case notASocket
        /// The path does not fit a Unix socket address (107 bytes).
        case pathTooLong
        /// The peer did not answer within the timeout.
        case timedOut
        /// The supervisor closed the connection without a whole answer.
        case connectionClosed
        /// The answer was not a response line we understand (or too long).
        case invalidResponse
        /// Another system call failed.
        case systemCallFailed
    }

    public let code: Code
    public let message: String
    public let errno: Errno?

    public init(_ code: Code, _ message: String, errno: Errno? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        if let errno {
            return "\(message): \(errno)"
        }
        return message
    }
}
