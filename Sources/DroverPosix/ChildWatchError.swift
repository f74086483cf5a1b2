/// Why a child's exit cannot be (or was not) reported.
public struct ChildWatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Hashable, Sendable {
        /// No process has this pid (it never existed, or it was already reaped).
        case noSuchProcess
        /// The process exists but is not our child, so we cannot reap it.
        case notAChild
        /// Someone else (a stray `waitpid`) reaped the child first; it is gone, its status lost.
        case reapedElsewhere
        /// The watcher was stopped before the child exited.
        case watcherStopped
        /// The waiting task was cancelled; the child is still watched.
        case cancelled
        /// An unexpected system call failure.
        case systemCallFailed
    }

    public let code: Code
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
