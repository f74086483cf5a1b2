/// Why a test's `redis-server` could not be started or reached.
public struct RedisServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; the message carries the server's log tail for diagnosis.
    public enum Code: String, Hashable, Sendable {
        /// No `redis-server` on PATH (install the redis-server package).
        case executableMissing
        /// The temp directory or the process could not be created.
        case launchFailed
        /// The server exited, or did not answer PING in time.
        case notReady
        /// `restart()` after `stop()`: the directory is gone.
        case stopped
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
