/// Why a JSON document was refused, and where: `invalid JSON at byte 17: expected ',' or '}' …`.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of fault; callers switch on this, the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// A character that the grammar does not allow here: a comment, a single quote, a trailing
        /// comma, `NaN`, a missing `:` or `,`.
        case syntax
        /// The input ended inside a value.
        case unexpectedEnd
        /// A complete value was followed by more than whitespace.
        case trailingData
        /// A number that breaks the grammar: a leading zero, a `+` sign, a lone `-`, `1.`, `1e`.
        case invalidNumber
        /// A number too large for a `Double` (such as `1e400`); it is refused, not turned into infinity.
        case numberOutOfRange
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter
        /// A backslash escape that JSON does not define, or a `\u` without four hex digits.
        case invalidEscape
        /// A `\uD800`-style escape without its other half.
        case unpairedSurrogate
        /// Bytes that are not well-formed UTF-8: overlongs, encoded surrogates, truncated sequences.
        case invalidUTF8
        /// The same key twice in one object.
        case duplicateKey
        /// Arrays and objects nested deeper than `JSONLimits.maxDepth`.
        case depthExceeded
        /// The document is longer than `JSONLimits.maxBytes`.
        case sizeExceeded
        /// One string is longer than `JSONLimits.maxStringBytes`.
        case stringTooLong
        /// One array or object has more than `JSONLimits.maxContainerCount` members.
        case containerTooLarge
    }

    public let code: Code
    /// Where the fault is, counted in bytes from 0.
    public let offset: Int
    /// The whole sentence, offset included, ready to show to a client.
    public let message: String

    public init(_ code: Code, at offset: Int, _ reason: String) {
        self.code = code
        self.offset = offset
        self.message = "invalid JSON at byte \(offset): \(reason)"
    }

    public var description: String { message }
}
