/// Why a Redis call did not produce a reply.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// The URL text is malformed or asks for something this client does not do (TLS).
        case invalidURL
        /// No connection could be made (refused, unreachable, authentication or SELECT refused),
        /// after the configured reconnect attempts. The server is unavailable for now.
        case connectionFailed
        /// The server did not answer within the command (or call) timeout. The command may have run.
        case timeout
        /// The connection broke while a command was in flight, or the client was closed.
        /// The command may have run; it is not retried.
        case connectionLost
        /// The reply could not be parsed, or the command could not be encoded (an empty command).
        case protocolError
        /// The server answered with an error reply (`-ERR …`, `-NOSCRIPT …`, `-WRONGTYPE …`).
        case serverError
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
