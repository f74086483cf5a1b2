extension JSONValue {
    /// Parses one strict RFC 8259 document from UTF-8 bytes.
    ///
    /// Stricter than the RFC requires in two places, both so that nothing is silently lost:
    /// a key repeated in one object is refused (`.duplicateKey`; keys that Swift's `String`
    /// compares equal, such as two normalizations of "é", count as the same key), and a number
    /// beyond `Double`'s range such as `1e400` is refused (`.numberOutOfRange`) rather than read
    /// as infinity. An integer without fraction or exponent that fits `Int` becomes `.int`; any
    /// other number becomes `.double` (`-0` is the integer 0; `-0.0` stays a negative zero).
    /// A byte order mark is refused.
    public init(parsing bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(JSONError) {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            JSONValue.parse(buffer, limits: limits)
        }
        if let contiguous {
            self = try contiguous.get()
        } else {
            self = try JSONValue(parsing: Array(bytes), limits: limits)
        }
    }

    /// Parses one strict RFC 8259 document from UTF-8 bytes; see `init(parsing:limits:)`.
    public init(parsing bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) {
        self = try bytes.withUnsafeBufferPointer { JSONValue.parse($0, limits: limits) }.get()
    }

    /// Parses one strict RFC 8259 document from a string; see `init(parsing:limits:)`.
    public init(parsing text: String, limits: JSONLimits = .default) throws(JSONError) {
        var text = text
        self = try text.withUTF8 { JSONValue.parse($0, limits: limits) }.get()
    }

    // The closures of `withUnsafeBufferPointer` and friends rethrow untyped errors, so the
    // parser hands back a `Result` to keep `JSONError` typed all the way out.
    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, JSONError> {
        guard buffer.count <= limits.maxBytes else {
            return .failure(JSONError(
                .sizeExceeded, at: limits.maxBytes,
                "document is \(buffer.count) bytes, more than the limit of \(limits.maxBytes)"))
        }
        var parser = Parser(buffer, limits: limits)
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

extension JSONValue {
    /// A single-pass recursive-descent parser over one contiguous buffer.
    struct Parser {
        private let bytes: UnsafeBufferPointer<UInt8>
        private let limits: JSONLimits
        private var position = 0
        private var depth = 0
        /// Reused for strings with escapes; plain strings are copied straight from `bytes`.
        private var scratch: [UInt8] = []

        init(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func parseDocument() throws(JSONError) -> JSONValue {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                throw JSONError(.syntax, at: 0, "a byte order mark is not allowed")
            }
            skipWhitespace()
            let value = try parseValue()
            skipWhitespace()
            if position < bytes.count {
                throw JSONError(.trailingData, at: position, "unexpected \(describe(bytes[position])) after the value")
            }
            return value
        }

        // MARK: Values

        private mutating func parseValue() throws(JSONError) -> JSONValue {
            guard position < bytes.count else {
                throw JSONError(.unexpectedEnd, at: position, "expected a value, found the end of the input")
            }
            switch bytes[position] {
            case Byte.quote: return .string(try parseString())
            case Byte.openBrace: return try parseObject()
            case Byte.openBracket: return try parseArray()
            case Byte.minus, Byte.zero...Byte.nine: return try parseNumber()
            case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
            case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
            case UInt8(ascii: "n"): return try parseLiteral("null", .null)
            case Byte.plus:
                throw JSONError(.invalidNumber, at: position, "numbers may not start with '+'")
            case Byte.dot:
                throw JSONError(.invalidNumber, at: position, "numbers must start with a digit, not '.'")
            case UInt8(ascii: "'"):
                throw JSONError(.syntax, at: position, "strings must be in double quotes")
            case Byte.slash:
                throw JSONError(.syntax, at: position, "comments are not allowed")
            default:
                throw JSONError(.syntax, at: position, "expected a value, found \(describe(bytes[position]))")
            }
        }

        private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONError) -> JSONValue {
            let count = word.utf8CodeUnitCount
            let start = word.utf8Start
            for index in 0..<count {
                guard position + index < bytes.count else {
                    throw JSONError(.unexpectedEnd, at: position + index, "input ends inside '\(word)'")
                }
                guard bytes[position + index] == start[index] else {
                    throw JSONError(.syntax, at: position, "expected a value, found an unknown word")
                }
            }
            position += count
            return value
        }

        private mutating func parseArray() throws(JSONError) -> JSONValue {
            let open = position
            try enterContainer(at: open)
            position += 1
            var elements: [JSONValue] = []
            if closesEmpty(with: Byte.closeBracket) { return .array(elements) }
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == Byte.closeBracket {
                    throw JSONError(.syntax, at: position, "trailing comma before ']'")
                }
                guard elements.count < limits.maxContainerCount else {
                    throw JSONError(.containerTooLarge, at: position,
                                    "array has more than \(limits.maxContainerCount) elements")
                }
                elements.append(try parseValue())
                if try closesAfterEntry(with: Byte.closeBracket, entry: "array element", container: "array", openedAt: open) {
                    return .array(elements)
                }
            }
        }

        private mutating func parseObject() throws(JSONError) -> JSONValue {
            let open = position
            try enterContainer(at: open)
            position += 1
            var members: [String: JSONValue] = [:]
            if closesEmpty(with: Byte.closeBrace) { return .object(members) }
            while true {
                skipWhitespace()
                guard position < bytes.count else {
                    throw JSONError(.unexpectedEnd, at: position, "object opened at byte \(open) is not closed")
                }
                let keyStart = position
                switch bytes[position] {
                case Byte.quote:
                    break
                case Byte.closeBrace:
                    throw JSONError(.syntax, at: position, "trailing comma before '}'")
                case UInt8(ascii: "'"):
                    throw JSONError(.syntax, at: position, "object keys must be in double quotes")
                case Byte.slash:
                    throw JSONError(.syntax, at: position, "comments are not allowed")
                default:
                    throw JSONError(.syntax, at: position,
                                    "expected a string key, found \(describe(bytes[position]))")
                }
                guard members.count < limits.maxContainerCount else {
                    throw JSONError(.containerTooLarge, at: position,
                                    "object has more than \(limits.maxContainerCount) members")
                }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count else {
                    throw JSONError(.unexpectedEnd, at: position, "object opened at byte \(open) is not closed")
                }
                guard bytes[position] == Byte.colon else {
                    throw JSONError(.syntax, at: position, "expected ':' after object key, found \(describe(bytes[position]))")
                }
                position += 1
                skipWhitespace()
                let value = try parseValue()
                if members.updateValue(value, forKey: key) != nil {
                    throw JSONError(.duplicateKey, at: keyStart, "duplicate key \(quoted(key)) in object")
                }
                if try closesAfterEntry(with: Byte.closeBrace, entry: "object member", container: "object", openedAt: open) {
                    return .object(members)
                }
            }
        }

        /// At an empty container's closing byte (after whitespace): consumes it and leaves the container.
        private mutating func closesEmpty(with closing: UInt8) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == closing else { return false }
            position += 1
            depth -= 1
            return true
        }

        /// After an element or member: `true` at the closing byte (consumed, container left),
        /// `false` after a comma (consumed); anything else is an error naming what was expected.
        private mutating func closesAfterEntry(
            with closing: UInt8, entry: String, container: String, openedAt open: Int
        ) throws(JSONError) -> Bool {
            skipWhitespace()
            guard position < bytes.count else {
                throw JSONError(.unexpectedEnd, at: position, "\(container) opened at byte \(open) is not closed")
            }
            switch bytes[position] {
            case Byte.comma:
                position += 1
                return false
            case closing:
                position += 1
                depth -= 1
                return true
            default:
                throw JSONError(.syntax, at: position,
                                "expected ',' or '\(Character(Unicode.Scalar(closing)))' after \(entry), found \(describe(bytes[position]))")
            }
        }

        private mutating func enterContainer(at offset: Int) throws(JSONError) {
            depth += 1
            if depth > limits.maxDepth {
                throw JSONError(.depthExceeded, at: offset, "nesting deeper than \(limits.maxDepth) levels")
            }
        }

        // MARK: Numbers

        private mutating func parseNumber() throws(JSONError) -> JSONValue {
            let start = position
            var index = position
            let negative = bytes[index] == Byte.minus
            if negative {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else {
                    throw JSONError(.invalidNumber, at: index, "expected a digit after '-'")
                }
            }
            // Accumulated as a negative number, because Int.min has no positive counterpart.
            var accumulator = 0
            var overflow = false
            if bytes[index] == Byte.zero {
                index += 1
                if index < bytes.count, isDigit(bytes[index]) {
                    throw JSONError(.invalidNumber, at: start, "leading zeros are not allowed")
                }
            } else {
                while index < bytes.count, isDigit(bytes[index]) {
                    if !overflow {
                        let (times10, o1) = accumulator.multipliedReportingOverflow(by: 10)
                        let (next, o2) = times10.subtractingReportingOverflow(Int(bytes[index] &- Byte.zero))
                        overflow = o1 || o2
                        accumulator = next
                    }
                    index += 1
                }
            }
            var isInteger = true
            if index < bytes.count, bytes[index] == Byte.dot {
                isInteger = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else {
                    throw JSONError(.invalidNumber, at: index, "expected a digit after '.'")
                }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == Byte.plus || bytes[index] == Byte.minus { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else {
                    throw JSONError(.invalidNumber, at: index, "expected a digit in the exponent")
                }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            position = index
            if isInteger, !overflow {
                if negative { return .int(accumulator) }
                if accumulator != .min { return .int(-accumulator) }
            }
            // The grammar is checked above, so the text is a plain decimal that `Double` rounds correctly.
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw JSONError(.numberOutOfRange, at: start, "number \(text.prefix(40)) is out of range")
            }
            return .double(value)
        }

        // MARK: Strings

        private mutating func parseString() throws(JSONError) -> String {
            let open = position
            let start = position + 1
            var index = start
            // Fast path: no escapes, so the string is a copy of the validated bytes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == Byte.quote {
                    try checkStringLength(index - start, at: open)
                    position = index + 1
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == Byte.backslash { break }
                if byte < 0x20 { throw controlCharacter(byte, at: index) }
                if byte < 0x80 {
                    index += 1
                } else {
                    index += try validateUTF8Sequence(at: index)
                }
                if index - start > limits.maxStringBytes { try checkStringLength(index - start, at: open) }
            }
            guard index < bytes.count else {
                throw JSONError(.unexpectedEnd, at: open, "string is not closed")
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                if byte == Byte.quote {
                    position = index + 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                if byte == Byte.backslash {
                    index = try appendEscape(at: index)
                } else if byte < 0x20 {
                    throw controlCharacter(byte, at: index)
                } else if byte < 0x80 {
                    scratch.append(byte)
                    index += 1
                } else {
                    let length = try validateUTF8Sequence(at: index)
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                    index += length
                }
                if scratch.count > limits.maxStringBytes { try checkStringLength(scratch.count, at: open) }
            }
            throw JSONError(.unexpectedEnd, at: open, "string is not closed")
        }

        private func checkStringLength(_ length: Int, at offset: Int) throws(JSONError) {
            if length > limits.maxStringBytes {
                throw JSONError(.stringTooLong, at: offset, "string is longer than \(limits.maxStringBytes) bytes")
            }
        }

        private func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONError {
            JSONError(.controlCharacter, at: offset,
                      "control character \(hexByte(byte)) in a string must be escaped")
        }

        /// Appends the character of the escape at `index` to `scratch`; returns the index after it.
        private mutating func appendEscape(at index: Int) throws(JSONError) -> Int {
            guard index + 1 < bytes.count else {
                throw JSONError(.unexpectedEnd, at: index, "input ends inside an escape")
            }
            let simple: UInt8
            switch bytes[index + 1] {
            case Byte.quote: simple = Byte.quote
            case Byte.backslash: simple = Byte.backslash
            case Byte.slash: simple = Byte.slash
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                return try appendUnicodeEscape(at: index)
            default:
                throw JSONError(.invalidEscape, at: index, "unknown escape '\\\(printable(bytes[index + 1]))'")
            }
            scratch.append(simple)
            return index + 2
        }

        private mutating func appendUnicodeEscape(at index: Int) throws(JSONError) -> Int {
            let first = try hexQuad(at: index)
            var next = index + 6
            var scalarValue = UInt32(first)
            switch first {
            case 0xD800...0xDBFF:
                guard next + 1 < bytes.count, bytes[next] == Byte.backslash, bytes[next + 1] == UInt8(ascii: "u") else {
                    throw JSONError(.unpairedSurrogate, at: index,
                                    "high surrogate \\u\(hex4(first)) is not followed by a low surrogate")
                }
                let second = try hexQuad(at: next)
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw JSONError(.unpairedSurrogate, at: index,
                                    "high surrogate \\u\(hex4(first)) is followed by \\u\(hex4(second)), not a low surrogate")
                }
                scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                next += 6
            case 0xDC00...0xDFFF:
                throw JSONError(.unpairedSurrogate, at: index, "low surrogate \\u\(hex4(first)) without a high surrogate")
            default:
                break
            }
            // Every value left here is a valid scalar: surrogates were handled above.
            let scalar = Unicode.Scalar(scalarValue)!
            for unit in UTF8.encode(scalar)! { scratch.append(unit) }
            return next
        }

        /// The value of the four hex digits after the `\u` at `index`.
        private func hexQuad(at index: Int) throws(JSONError) -> UInt16 {
            var value: UInt16 = 0
            for offset in 2..<6 {
                guard index + offset < bytes.count else {
                    throw JSONError(.unexpectedEnd, at: index, "input ends inside a \\u escape")
                }
                let byte = bytes[index + offset]
                let digit: UInt8
                switch byte {
                case Byte.zero...Byte.nine: digit = byte - Byte.zero
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default:
                    throw JSONError(.invalidEscape, at: index, "\\u must be followed by four hex digits")
                }
                value = value << 4 | UInt16(digit)
            }
            return value
        }

        /// Checks the multi-byte UTF-8 sequence at `index` (RFC 3629, table 3-7 of Unicode);
        /// returns its length.
        private func validateUTF8Sequence(at index: Int) throws(JSONError) -> Int {
            let lead = bytes[index]
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default:
                throw JSONError(.invalidUTF8, at: index, "byte \(hexByte(lead)) cannot start a UTF-8 character")
            }
            guard index + length <= bytes.count else {
                throw JSONError(.invalidUTF8, at: index, "UTF-8 character is cut short")
            }
            guard secondRange.contains(bytes[index + 1]) else {
                throw JSONError(.invalidUTF8, at: index,
                                "invalid UTF-8 sequence (overlong, surrogate, out of range or cut short)")
            }
            for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
                throw JSONError(.invalidUTF8, at: index, "invalid UTF-8 sequence (cut short)")
            }
            return length
        }

        // MARK: Helpers

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= Byte.zero && byte <= Byte.nine }

        private func describe(_ byte: UInt8) -> String {
            byte >= 0x21 && byte < 0x7F ? "'\(printable(byte))'" : "byte \(hexByte(byte))"
        }

        private func printable(_ byte: UInt8) -> String {
            byte >= 0x21 && byte < 0x7F ? String(UnicodeScalar(byte)) : hexByte(byte)
        }

        private func hexByte(_ byte: UInt8) -> String {
            let digits = String(byte, radix: 16, uppercase: true)
            return "0x" + (digits.count == 1 ? "0" + digits : digits)
        }

        private func hex4(_ value: UInt16) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }

        private func quoted(_ key: String) -> String {
            key.utf8.count > 60 ? "\"\(key.prefix(60))…\"" : "\"\(key)\""
        }
    }

    /// The ASCII bytes the grammar names.
    enum Byte {
        static let quote = UInt8(ascii: "\"")
        static let backslash = UInt8(ascii: "\\")
        static let slash = UInt8(ascii: "/")
        static let openBrace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "[")
        static let closeBracket = UInt8(ascii: "]")
        static let colon = UInt8(ascii: ":")
        static let comma = UInt8(ascii: ",")
        static let minus = UInt8(ascii: "-")
        static let plus = UInt8(ascii: "+")
        static let dot = UInt8(ascii: ".")
        static let zero = UInt8(ascii: "0")
        static let nine = UInt8(ascii: "9")
    }
}
