/// An admin request or response that cannot be read, and why.
public struct AdminProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem; callers switch on this, the message is for people.
    public enum Code: String, Hashable, Sendable {
        /// The line is not JSON.
        case invalidJSON
        /// The line is JSON but not a request we know: unknown command, missing or bad field.
        case invalidRequest
        /// The supervisor's answer is not a response we know.
        case invalidResponse
        /// The line exceeds the admin protocol's length limit.
        case lineTooLong
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
