/// Parses one JSON document from UTF-8 bytes, strictly (RFC 8259), with a nesting limit.
public struct JSONParser {
    /// Deeper nesting is refused, so hostile input cannot exhaust the stack.
    public static let maxDepth = 32

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The document in `bytes`; only whitespace may surround it.
    public static func parse(_ bytes: [UInt8]) throws(AdminProtocolError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.failure("unexpected text after the JSON value")
        }
        return value
    }

    public static func parse(_ text: String) throws(AdminProtocolError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func failure(_ reason: String) -> AdminProtocolError {
        AdminProtocolError(.invalidJSON, "invalid JSON at byte \(position): \(reason)")
    }

    private var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func expect(_ literal: String) throws(AdminProtocolError) {
        for byte in literal.utf8 {
            guard current == byte else {
                throw failure("expected \(literal)")
            }
            position += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(AdminProtocolError) -> JSONValue {
        guard depth < Self.maxDepth else {
            throw failure("nested deeper than \(Self.maxDepth) levels")
        }
        switch current {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case .some(let byte) where byte == UInt8(ascii: "-") || (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte):
            return .number(try parseNumber())
        case nil:
            throw failure("the text ends where a value should be")
        default:
            throw failure("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(AdminProtocolError) -> JSONValue {
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            guard members[key] == nil else {
                throw failure("duplicate key \"\(key)\"")
            }
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("}")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(AdminProtocolError) -> JSONValue {
        position += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("]")
            return .array(values)
        }
    }

    private mutating func parseString() throws(AdminProtocolError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ parser: JSONParser, upTo end: Int) throws(AdminProtocolError) {
            guard let run = String(validating: parser.bytes[runStart ..< end], as: UTF8.self) else {
                throw parser.failure("string is not valid UTF-8")
            }
            scalars.append(contentsOf: run.unicodeScalars)
        }
        while true {
            guard let byte = current else {
                throw failure("unterminated string")
            }
            switch byte {
            case UInt8(ascii: "\""):
                try flush(self, upTo: position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(self, upTo: position)
                position += 1
                scalars.append(try parseEscape())
                runStart = position
            case 0 ..< 0x20:
                throw failure("control character in string")
            default:
                position += 1
            }
        }
    }

    private mutating func parseEscape() throws(AdminProtocolError) -> Unicode.Scalar {
        guard let byte = current else {
            throw failure("unterminated escape")
        }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            if (0xD800 ..< 0xDC00).contains(first) {
                try expect("\\u")
                let second = try parseHex4()
                guard (0xDC00 ..< 0xE000).contains(second) else {
                    throw failure("unpaired surrogate in \\u escape")
                }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw failure("unpaired surrogate in \\u escape")
            }
            return scalar
        default:
            throw failure("unknown escape")
        }
    }

    private mutating func parseHex4() throws(AdminProtocolError) -> UInt32 {
        guard position + 4 <= bytes.count,
              let text = String(validating: bytes[position ..< position + 4], as: UTF8.self),
              let value = UInt32(text, radix: 16), !text.contains("+"), !text.contains("-")
        else {
            throw failure("bad \\u escape")
        }
        position += 4
        return value
    }

    private mutating func parseNumber() throws(AdminProtocolError) -> Double {
        let start = position
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.position
            while let byte = parser.current, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte) {
                parser.position += 1
            }
            return parser.position - from
        }
        if current == UInt8(ascii: "-") {
            position += 1
        }
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else {
            throw failure("number without digits")
        }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw failure("number with a leading zero")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else {
                throw failure("number without digits after the point")
            }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&self) > 0 else {
                throw failure("number without exponent digits")
            }
        }
        let text = String(decoding: bytes[start ..< position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("number \(text) is out of range")
        }
        return value
    }
}
