extension RedisReply {
    /// The text of a bulk string (decoded as UTF-8, invalid bytes replaced), a status, an error
    /// or a big number; `nil` for every other type.
    public var string: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text), .error(let text), .bigNumber(let text): text
        default: nil
        }
    }

    /// The bytes of a bulk string; `nil` for every other type.
    public var bytes: [UInt8]? {
        if case .string(let bytes) = self { bytes } else { nil }
    }

    /// An integer reply, or a bulk string that is a decimal integer (as `GET` and `HGET` return
    /// counters); `nil` otherwise.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .string(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array, or a map's flattened key/value list; `nil` for every other type.
    public var array: [RedisReply]? {
        switch self {
        case .array(let elements), .map(let elements): elements
        default: nil
        }
    }

    /// Whether this is the null reply (a missing key, a timed-out blocking pop).
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}
