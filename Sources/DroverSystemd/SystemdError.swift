/// A systemd notification could not be sent, or systemd's environment for this process is malformed.
public struct SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to each.
    public enum Code: Hashable, Sendable {
        /// `sd_notify` failed: the socket is missing or refuses datagrams, or `NOTIFY_SOCKET` is malformed.
        case notifyFailed
        /// A value would break the newline-separated notify protocol (or is out of range); nothing was sent.
        case invalidValue
        /// `WATCHDOG_USEC` or `WATCHDOG_PID` is set but is not a valid number.
        case invalidWatchdogEnvironment
    }

    public let code: Code
    public let message: String
    /// The `errno` libsystemd reported, when it reported one.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
