/// Why a child process could not be started.
public struct SpawnError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Hashable, Sendable {
        /// No file at the executable path (or a path component is not a directory).
        case executableNotFound
        /// The executable, or a directory on its path, may not be executed by us.
        case permissionDenied
        /// Setting up the child's descriptors or working directory failed.
        case fileActionsFailed
        /// The request itself is malformed: a NUL byte in a string, an environment entry
        /// without `=`, a negative or repeated descriptor.
        case invalidRequest
        /// Anything else `posix_spawn` refused, or the spawning thread is gone.
        case spawnFailed
    }

    public let code: Code
    /// What the kernel said, when it said something.
    public let errno: Errno?
    public let message: String

    public init(_ code: Code, errno: Errno? = nil, _ message: String) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    public var description: String {
        if let errno {
            return "\(code.rawValue): \(message): \(errno)"
        }
        return "\(code.rawValue): \(message)"
    }
}
