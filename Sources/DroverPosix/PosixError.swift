/// A system call failed: which call, on what, and the `errno` it set.
public struct PosixError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the kernel said; callers switch on this (e.g. `.noSuchProcess`).
    public let code: Errno
    /// The call and its subject, e.g. `kill(1234, SIGTERM)`.
    public let operation: String

    public init(_ code: Errno, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// Captures the calling thread's `errno`; call it right after the failing call.
    static func current(_ operation: String) -> PosixError {
        PosixError(.current, operation: operation)
    }

    public var message: String { "\(operation) failed: \(code)" }
    public var description: String { message }
}
