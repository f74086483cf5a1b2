import Glibc

/// One watched child's end, as delivered on `ChildWatcher.exits()`.
public struct ChildExit: Hashable, Sendable {
    public let pid: pid_t
    /// How it ended; a failure only when its status was lost (`.reapedElsewhere`).
    public let result: Result<ProcessExit, ChildWatchError>

    public init(pid: pid_t, result: Result<ProcessExit, ChildWatchError>) {
        self.pid = pid
        self.result = result
    }
}
