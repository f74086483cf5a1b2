/// Why a test's child process did not do what the test waited for.
public struct ChildProcessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; the message carries the child's stderr for diagnosis.
    public enum Code: String, Hashable, Sendable {
        case timedOut
        case exitedEarly
        /// The `drover` executable is not built where tests look for it.
        case executableMissing
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
