/// A control frame that cannot be accepted, and why; the channel it came on is no longer usable.
public struct ControlProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of violation; callers switch on this, the message is for people and logs.
    public enum Code: String, Hashable, Sendable {
        /// The stream ended part-way through a frame (only known at end of stream).
        case truncated
        /// The length header announces more than the maximum frame size, or a message would.
        case oversized
        /// The frame's version byte is not one this build speaks.
        case unsupportedVersion
        /// The frame's type byte names no message of the expected direction.
        case unknownType
        /// The body does not decode as its message type: short, trailing bytes, bad values.
        case malformedBody
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
