/// Why an HTTP exchange did not produce a response.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// The URL cannot be parsed, or names no host.
        case invalidURL
        /// Anything but `http://`: this client has no TLS.
        case unsupportedScheme
        /// The host name did not resolve.
        case resolutionFailed
        /// Nothing listens at the address.
        case connectionRefused
        /// The connection could not be made for another reason (unreachable, reset).
        case connectFailed
        case connectTimeout
        /// The response did not complete within the request timeout; the connection was closed.
        case requestTimeout
        /// The server answered something that is not HTTP/1.1.
        case malformedResponse
        /// The server closed the connection before the response was complete.
        case connectionClosed
        /// The response body is larger than the request allows.
        case bodyTooLarge
        /// The client was shut down.
        case shutDown
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
