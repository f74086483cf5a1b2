/// Reads a message body written by `ControlBodyWriter`, refusing short, trailing or invalid data.
public struct ControlBodyReader: Sendable {
    private let bytes: ArraySlice<UInt8>
    private var position: Int
    /// The message being read, for error messages.
    public var messageName: String

    public init(_ bytes: ArraySlice<UInt8>, messageName: String) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.messageName = messageName
    }

    public var remaining: Int { bytes.endIndex - position }

    private mutating func take(_ count: Int, field: String) throws(ControlProtocolError) -> ArraySlice<UInt8> {
        guard remaining >= count else {
            throw ControlProtocolError(.malformedBody, "\(messageName) body ends early: \(field) needs \(count) bytes, \(remaining) left")
        }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    public mutating func readUInt8(field: String) throws(ControlProtocolError) -> UInt8 {
        try take(1, field: field).first!
    }

    public mutating func readUInt16(field: String) throws(ControlProtocolError) -> UInt16 {
        try take(2, field: field).reduce(0) { $0 << 8 | UInt16($1) }
    }

    public mutating func readUInt32(field: String) throws(ControlProtocolError) -> UInt32 {
        try take(4, field: field).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func readUInt64(field: String) throws(ControlProtocolError) -> UInt64 {
        try take(8, field: field).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public mutating func readCount(field: String) throws(ControlProtocolError) -> Int {
        let raw = try readUInt64(field: field)
        guard raw <= UInt64(Int.max) else {
            throw ControlProtocolError(.malformedBody, "\(messageName) \(field) is \(raw), beyond any count")
        }
        return Int(raw)
    }

    public mutating func readMeasure(field: String) throws(ControlProtocolError) -> Double {
        let value = Double(bitPattern: try readUInt64(field: field))
        guard value.isFinite, value >= 0 else {
            throw ControlProtocolError(.malformedBody, "\(messageName) \(field) is \(value); it must be finite and not negative")
        }
        return value
    }

    public mutating func readString(field: String, nonEmpty: Bool = false) throws(ControlProtocolError) -> String {
        let length = Int(try readUInt16(field: field))
        let utf8 = try take(length, field: field)
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw ControlProtocolError(.malformedBody, "\(messageName) \(field) is not valid UTF-8")
        }
        if nonEmpty, string.isEmpty {
            throw ControlProtocolError(.malformedBody, "\(messageName) \(field) is empty")
        }
        return string
    }

    public mutating func readIdentifiers(field: String) throws(ControlProtocolError) -> [String] {
        let count = Int(try readUInt16(field: field))
        var values: [String] = []
        // Each entry takes at least 3 bytes, so a lying count fails below without a big reserve.
        values.reserveCapacity(min(count, remaining / 3))
        for _ in 0 ..< count {
            values.append(try readString(field: field, nonEmpty: true))
        }
        return values
    }

    /// Call after the last field: leftover bytes mean the sender and receiver disagree on layout.
    public func finish() throws(ControlProtocolError) {
        guard remaining == 0 else {
            throw ControlProtocolError(.malformedBody, "\(messageName) body has \(remaining) unexpected bytes after its last field")
        }
    }
}
