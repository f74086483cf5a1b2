extension JSONValue {
    /// The value as compact JSON text.
    ///
    /// With `sortedKeys: true` the output is canonical, so equal values give equal text: object
    /// keys are ordered by their UTF-8 bytes. That form is what dedup compares.
    public func serialized(sortedKeys: Bool = false) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64)
        write(into: &buffer, sortedKeys: sortedKeys)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the value as compact JSON to `buffer`.
    ///
    /// Strings escape `"`, `\` and control characters (as `\u00XX`) and keep everything else
    /// as UTF-8. Doubles are written in their shortest round-trip form (`5.0`, `1.5e-07`);
    /// infinities and NaN, which JSON cannot hold, are written as `null`.
    public func write(into buffer: inout [UInt8], sortedKeys: Bool) {
        switch self {
        case .null:
            buffer.append(contentsOf: Self.nullBytes)
        case .bool(let value):
            buffer.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .int(let value):
            Self.writeInteger(value, into: &buffer)
        case .double(let value):
            if value.isFinite {
                buffer.append(contentsOf: value.description.utf8)
            } else {
                buffer.append(contentsOf: Self.nullBytes)
            }
        case .string(let value):
            Self.writeString(value, into: &buffer)
        case .array(let elements):
            buffer.append(Byte.openBracket)
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(Byte.comma) }
                element.write(into: &buffer, sortedKeys: sortedKeys)
            }
            buffer.append(Byte.closeBracket)
        case .object(let members):
            buffer.append(Byte.openBrace)
            if sortedKeys {
                let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for (index, key) in keys.enumerated() {
                    if index > 0 { buffer.append(Byte.comma) }
                    Self.writeString(key, into: &buffer)
                    buffer.append(Byte.colon)
                    members[key]!.write(into: &buffer, sortedKeys: true)
                }
            } else {
                var first = true
                for (key, value) in members {
                    if !first { buffer.append(Byte.comma) }
                    first = false
                    Self.writeString(key, into: &buffer)
                    buffer.append(Byte.colon)
                    value.write(into: &buffer, sortedKeys: false)
                }
            }
            buffer.append(Byte.closeBrace)
        }
    }

    private static let nullBytes: [UInt8] = Array("null".utf8)
    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeInteger(_ value: Int, into buffer: inout [UInt8]) {
        if value >= 0 && value < 10 {
            buffer.append(Byte.zero + UInt8(value))
            return
        }
        // Digits are produced from the magnitude as UInt, which also covers Int.min.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = Byte.zero + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value < 0 { buffer.append(Byte.minus) }
            buffer.append(contentsOf: raw[(24 - count)...])
        }
    }

    private static func writeString(_ string: String, into buffer: inout [UInt8]) {
        buffer.append(Byte.quote)
        let handled: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            writeEscaped(utf8, into: &buffer)
        }
        if handled == nil {
            writeEscaped(Array(string.utf8), into: &buffer)
        }
        buffer.append(Byte.quote)
    }

    private static func writeEscaped(_ utf8: some Collection<UInt8>, into buffer: inout [UInt8]) {
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == Byte.quote || byte == Byte.backslash || byte < 0x20 {
                buffer.append(contentsOf: utf8[runStart..<index])
                buffer.append(Byte.backslash)
                if byte < 0x20 {
                    buffer.append(UInt8(ascii: "u"))
                    buffer.append(Byte.zero)
                    buffer.append(Byte.zero)
                    buffer.append(hexDigits[Int(byte >> 4)])
                    buffer.append(hexDigits[Int(byte & 0xF)])
                } else {
                    buffer.append(byte)
                }
                runStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        buffer.append(contentsOf: utf8[runStart..<utf8.endIndex])
    }
}
