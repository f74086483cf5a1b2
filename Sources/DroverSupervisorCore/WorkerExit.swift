/// How a worker process ended, as the process side observed it (waitid / pidfd).
public enum WorkerExit: Hashable, Sendable, CustomStringConvertible {
    /// Exited with a status code.
    case exited(code: Int32)
    /// Killed by a signal (the number, e.g. 9 for SIGKILL).
    case signaled(signal: Int32)

    /// What the exit means under the worker exit-code contract.
    public var outcome: Outcome {
        switch self {
        case .exited(let code):
            switch WorkerExitCode(rawValue: code) {
            case .drained: .drained
            case .bootFailed: .bootFailed
            case .configurationInvalid: .configurationInvalid
            case nil: .crashed
            }
        case .signaled: .crashed
        }
    }

    /// The contract's reading of an exit.
    public enum Outcome: Hashable, Sendable {
        case drained, bootFailed, configurationInvalid, crashed
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}
