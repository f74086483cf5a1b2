/// How a child process ended, as `waitid` reported it.
public enum ProcessExit: Hashable, Sendable, CustomStringConvertible {
    /// The process called `exit` (or returned from `main`) with this code, 0...255.
    case exited(code: Int32)
    /// A signal ended the process.
    case signaled(Signal, coreDumped: Bool)

    /// True only for `exit(0)`.
    public var isSuccess: Bool { self == .exited(code: 0) }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal, let coreDumped): "killed by \(signal)\(coreDumped ? " (core dumped)" : "")"
        }
    }
}
