/// Appends a message body: fixed-width big-endian integers, IEEE doubles, length-prefixed UTF-8.
///
/// Counts and measures are checked here so that a value the reader would refuse is never sent.
public struct ControlBodyWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    public mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    public mutating func writeUInt64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// A count of things: never negative.
    public mutating func writeCount(_ value: Int, field: String) throws(ControlProtocolError) {
        guard value >= 0 else {
            throw ControlProtocolError(.malformedBody, "\(field) is \(value); a count cannot be negative")
        }
        writeUInt64(UInt64(value))
    }

    /// A measured quantity (milliseconds, megabytes, percent, seconds): finite and not negative.
    public mutating func writeMeasure(_ value: Double, field: String) throws(ControlProtocolError) {
        guard value.isFinite, value >= 0 else {
            throw ControlProtocolError(.malformedBody, "\(field) is \(value); it must be finite and not negative")
        }
        writeUInt64(value.bitPattern)
    }

    /// A string of at most 65535 UTF-8 bytes; `nonEmpty` for identifiers.
    public mutating func writeString(_ value: String, field: String, nonEmpty: Bool = false) throws(ControlProtocolError) {
        let utf8 = Array(value.utf8)
        if nonEmpty, utf8.isEmpty {
            throw ControlProtocolError(.malformedBody, "\(field) is empty")
        }
        guard utf8.count <= Int(UInt16.max) else {
            throw ControlProtocolError(.oversized, "\(field) is \(utf8.count) bytes; at most \(UInt16.max) fit")
        }
        writeUInt16(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A list of at most 65535 non-empty identifiers.
    public mutating func writeIdentifiers(_ values: [String], field: String) throws(ControlProtocolError) {
        guard values.count <= Int(UInt16.max) else {
            throw ControlProtocolError(.oversized, "\(field) has \(values.count) entries; at most \(UInt16.max) fit")
        }
        writeUInt16(UInt16(values.count))
        for value in values {
            try writeString(value, field: field, nonEmpty: true)
        }
    }
}
