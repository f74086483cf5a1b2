import DroverQueue
import Testing

@Suite("JSON parsing")
struct JSONParsingTests {
    /// A document and the error code it must produce.
    struct Invalid: CustomStringConvertible, Sendable {
        let bytes: [UInt8]
        let code: JSONError.Code
        let label: String

        init(_ text: String, _ code: JSONError.Code) {
            self.bytes = Array(text.utf8)
            self.code = code
            self.label = text
        }

        init(bytes: [UInt8], _ code: JSONError.Code, _ label: String) {
            self.bytes = bytes
            self.code = code
            self.label = label
        }

        var description: String { "\(label) → \(code)" }
    }

    static let invalidDocuments: [Invalid] = [
        Invalid("", .unexpectedEnd),
        Invalid("   ", .unexpectedEnd),
        Invalid("[1,2", .unexpectedEnd),
        Invalid("{\"a\":", .unexpectedEnd),
        Invalid("{\"a\":1", .unexpectedEnd),
        Invalid("\"abc", .unexpectedEnd),
        Invalid("tru", .unexpectedEnd),
        Invalid("\"\\u12", .unexpectedEnd),
        Invalid("[1,]", .syntax),
        Invalid("{\"a\":1,}", .syntax),
        Invalid("[,1]", .syntax),
        Invalid("[1 2]", .syntax),
        Invalid("{\"a\" 1}", .syntax),
        Invalid("{1:2}", .syntax),
        Invalid("{\"a\":1 \"b\":2}", .syntax),
        Invalid("// comment\n1", .syntax),
        Invalid("/* comment */ 1", .syntax),
        Invalid("[1 /* comment */]", .syntax),
        Invalid("{'a':1}", .syntax),
        Invalid("'a'", .syntax),
        Invalid("NaN", .syntax),
        Invalid("Infinity", .syntax),
        Invalid("truth", .syntax),
        Invalid("nulL", .syntax),
        Invalid("True", .syntax),
        Invalid("undefined", .syntax),
        Invalid("\u{FEFF}{}", .syntax),
        Invalid("-Infinity", .invalidNumber),
        Invalid("01", .invalidNumber),
        Invalid("-01", .invalidNumber),
        Invalid("00", .invalidNumber),
        Invalid("+1", .invalidNumber),
        Invalid("-", .invalidNumber),
        Invalid("- 1", .invalidNumber),
        Invalid("1.", .invalidNumber),
        Invalid(".5", .invalidNumber),
        Invalid("1.e5", .invalidNumber),
        Invalid("1e", .invalidNumber),
        Invalid("1e+", .invalidNumber),
        Invalid("0x10", .trailingData),
        Invalid("1e400", .numberOutOfRange),
        Invalid("-1e400", .numberOutOfRange),
        Invalid(String(repeating: "9", count: 400), .numberOutOfRange),
        Invalid("\"a\u{01}b\"", .controlCharacter),
        Invalid("\"tab\there\"", .controlCharacter),
        Invalid("\"new\nline\"", .controlCharacter),
        Invalid("\"esc\\n then raw \u{1F}\"", .controlCharacter),
        Invalid("\"\\x41\"", .invalidEscape),
        Invalid("\"\\'\"", .invalidEscape),
        Invalid("\"\\u12G4\"", .invalidEscape),
        Invalid("\"\\u12\"", .invalidEscape),
        Invalid("\"\\U0041\"", .invalidEscape),
        Invalid("\"\\uD800\"", .unpairedSurrogate),
        Invalid("\"\\uDBFF\"", .unpairedSurrogate),
        Invalid("\"\\uDC00\"", .unpairedSurrogate),
        Invalid("\"\\uD800\\u0041\"", .unpairedSurrogate),
        Invalid("\"\\uD800\\uD800\"", .unpairedSurrogate),
        Invalid("\"\\uD800x\"", .unpairedSurrogate),
        Invalid(bytes: [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, "overlong 2-byte '/'"),
        Invalid(bytes: [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8, "overlong 2-byte C1"),
        Invalid(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, "overlong 3-byte"),
        Invalid(bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], .invalidUTF8, "overlong 4-byte"),
        Invalid(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, "UTF-8-encoded high surrogate"),
        Invalid(bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], .invalidUTF8, "UTF-8-encoded low surrogate"),
        Invalid(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, "above U+10FFFF"),
        Invalid(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, "F5 lead"),
        Invalid(bytes: [0x22, 0xC3, 0x22], .invalidUTF8, "2-byte cut by the quote"),
        Invalid(bytes: [0x22, 0xE2, 0x82], .invalidUTF8, "3-byte cut by the end"),
        Invalid(bytes: [0x22, 0xE2, 0x82, 0x41, 0x22], .invalidUTF8, "3-byte with ASCII third byte"),
        Invalid(bytes: [0x22, 0x80, 0x22], .invalidUTF8, "lone continuation byte"),
        Invalid(bytes: [0x22, 0xFF, 0x22], .invalidUTF8, "FF byte"),
        Invalid(bytes: [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22], .invalidUTF8, "bad UTF-8 after an escape"),
        Invalid(bytes: [0xC3, 0xA9], .syntax, "non-ASCII outside a string"),
        Invalid("1 2", .trailingData),
        Invalid("{} x", .trailingData),
        Invalid("[1]]", .trailingData),
        Invalid("\"a\"\"b\"", .trailingData),
        Invalid("{\"a\":1,\"a\":2}", .duplicateKey),
        Invalid("{\"a\":{\"b\":1,\"c\":2,\"b\":3}}", .duplicateKey),
        Invalid("{\"\\u0061\":1,\"a\":2}", .duplicateKey),
    ]

    @Test(arguments: invalidDocuments)
    func invalidDocumentIsRefusedWithItsCode(_ document: Invalid) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: document.bytes) }
        do {
            _ = try JSONValue(parsing: document.bytes)
        } catch {
            #expect(error.code == document.code, "\(error.message)")
            #expect(error.offset >= 0 && error.offset <= document.bytes.count)
            #expect(error.message.hasPrefix("invalid JSON at byte \(error.offset): "))
        }
    }

    @Test func errorNamesTheByteAndWhatWasExpected() throws {
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: "{\"a\":1 \"b\":2}") }
        #expect(error?.offset == 7)
        #expect(error?.message == "invalid JSON at byte 7: expected ',' or '}' after object member, found '\"'")
        let unseparated = #expect(throws: JSONError.self) { try JSONValue(parsing: "[1 2]") }
        #expect(unseparated?.message == "invalid JSON at byte 3: expected ',' or ']' after array element, found '2'")
        let unclosed = #expect(throws: JSONError.self) { try JSONValue(parsing: "[[1], 2") }
        #expect(unclosed?.code == .unexpectedEnd)
        #expect(unclosed?.message == "invalid JSON at byte 7: array opened at byte 0 is not closed")
        #expect(try JSONValue(parsing: "[ ]") == .array([]))
        #expect(try JSONValue(parsing: "{ }") == .object([:]))
        let trailing = #expect(throws: JSONError.self) { try JSONValue(parsing: "[1, 2,]") }
        #expect(trailing?.offset == 6)
        #expect(trailing?.message.contains("trailing comma") == true)
        let duplicate = #expect(throws: JSONError.self) { try JSONValue(parsing: "{\"k\":1, \"k\":2}") }
        #expect(duplicate?.offset == 8)
        #expect(duplicate?.message.contains("duplicate key \"k\"") == true)
    }

    @Test func scalarsAndContainersParse() throws {
        #expect(try JSONValue(parsing: "null") == .null)
        #expect(try JSONValue(parsing: " true ") == .bool(true))
        #expect(try JSONValue(parsing: "\tfalse\r\n") == .bool(false))
        #expect(try JSONValue(parsing: "\"\"") == .string(""))
        #expect(try JSONValue(parsing: "[]") == .array([]))
        #expect(try JSONValue(parsing: "{}") == .object([:]))
        #expect(try JSONValue(parsing: "[ 1 , [ ] , { } ]") == .array([.int(1), .array([]), .object([:])]))
        let object = try JSONValue(parsing: #"{"query":"why?","topK":5,"tags":["a","b"],"x":null,"ok":true}"#)
        #expect(object == .object([
            "query": .string("why?"), "topK": .int(5), "tags": .array([.string("a"), .string("b")]),
            "x": .null, "ok": .bool(true),
        ]))
    }

    @Test func integersThatFitIntStayIntegersAndOthersBecomeDoubles() throws {
        #expect(try JSONValue(parsing: "0") == .int(0))
        #expect(try JSONValue(parsing: "-7") == .int(-7))
        #expect(try JSONValue(parsing: "9223372036854775807") == .int(Int.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .int(Int.min))
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue(parsing: "-9223372036854775809") == .double(-9.223372036854775808e18))
        #expect(try JSONValue(parsing: "5.0") == .double(5))
        #expect(try JSONValue(parsing: "1E2") == .double(100))
        #expect(try JSONValue(parsing: "1.5e-7") == .double(1.5e-7))
        #expect(try JSONValue(parsing: "-2.5E+3") == .double(-2500))
        #expect(try JSONValue(parsing: "1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try JSONValue(parsing: "0.1") == .double(0.1))
    }

    @Test func negativeZeroIsTheIntegerZeroButMinusZeroPointZeroKeepsItsSign() throws {
        #expect(try JSONValue(parsing: "-0") == .int(0))
        guard case .double(let value) = try JSONValue(parsing: "-0.0") else {
            Issue.record("-0.0 should be a double")
            return
        }
        #expect(value == 0 && value.sign == .minus)
    }

    @Test func tinyNumbersUnderflowToZeroRatherThanFail() throws {
        #expect(try JSONValue(parsing: "1e-400") == .double(0))
    }

    @Test func escapesAreDecoded() throws {
        #expect(try JSONValue(parsing: #""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try JSONValue(parsing: #""caf\u00e9 \u00E9""#) == .string("café é"))
        #expect(try JSONValue(parsing: #""\u0000""#) == .string("\u{0000}"))
        #expect(try JSONValue(parsing: #""a\u0041b""#) == .string("aAb"))
        #expect(try JSONValue(parsing: #""\u20AC""#) == .string("€"))
    }

    @Test func surrogatePairEscapesBecomeOneCharacter() throws {
        #expect(try JSONValue(parsing: #""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONValue(parsing: #""x\ud834\udd1ey""#) == .string("x𝄞y"))
        #expect(try JSONValue(parsing: #""\uDBFF\uDFFF""#) == .string("\u{10FFFF}"))
    }

    @Test func wellFormedUTF8OfEveryLengthIsKept() throws {
        let text = "a é € 𝄞 \u{7F} \u{80} \u{7FF} \u{800} \u{FFFF} \u{10000} \u{10FFFF} 中文"
        #expect(try JSONValue(parsing: "\"" + text + "\"") == .string(text))
        #expect(try JSONValue(parsing: "{\"" + text + "\":1}") == .object([text: .int(1)]))
    }

    @Test func depthUpToTheLimitParsesAndBeyondIsRefused() throws {
        let limit = JSONLimits.default.maxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        _ = try JSONValue(parsing: deepest)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: tooDeep) }
        #expect(error?.code == .depthExceeded)
        #expect(error?.offset == limit)

        let shallow = JSONLimits(maxDepth: 2)
        _ = try JSONValue(parsing: #"{"a":[1]}"#, limits: shallow)
        let nested = #expect(throws: JSONError.self) { try JSONValue(parsing: #"{"a":[{}]}"#, limits: shallow) }
        #expect(nested?.code == .depthExceeded)
    }

    @Test func documentLargerThanMaxBytesIsRefused() throws {
        let limits = JSONLimits(maxBytes: 10)
        _ = try JSONValue(parsing: "[1,2,3,45]", limits: limits)
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: "[1,2,3,456]", limits: limits) }
        #expect(error?.code == .sizeExceeded)
    }

    @Test func stringLongerThanMaxStringBytesIsRefused() throws {
        let limits = JSONLimits(maxStringBytes: 4)
        #expect(try JSONValue(parsing: #""abcd""#, limits: limits) == .string("abcd"))
        #expect(try JSONValue(parsing: #""a\nc\t""#, limits: limits) == .string("a\nc\t"))
        for document in [#""abcde""#, #""ab\ncd""#, #"{"abcde":1}"#, "\"ééé\""] {
            let error = #expect(throws: JSONError.self) { try JSONValue(parsing: document, limits: limits) }
            #expect(error?.code == .stringTooLong, "\(document)")
        }
    }

    @Test func containerWithMoreMembersThanTheLimitIsRefused() throws {
        let limits = JSONLimits(maxContainerCount: 3)
        _ = try JSONValue(parsing: "[1,2,3]", limits: limits)
        _ = try JSONValue(parsing: #"{"a":1,"b":2,"c":3}"#, limits: limits)
        let array = #expect(throws: JSONError.self) { try JSONValue(parsing: "[1,2,3,4]", limits: limits) }
        #expect(array?.code == .containerTooLarge)
        let object = #expect(throws: JSONError.self) {
            try JSONValue(parsing: #"{"a":1,"b":2,"c":3,"d":4}"#, limits: limits)
        }
        #expect(object?.code == .containerTooLarge)
    }

    @Test func everyInputFormGivesTheSameValue() throws {
        let text = #"{"a":[1,2.5,"é"],"b":{"c":null}}"#
        let expected = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)[...]) == expected)
        // Not contiguous: exercises the copying path.
        #expect(try JSONValue(parsing: text.utf8.lazy.map { $0 }) == expected)
        let broken = #expect(throws: JSONError.self) { try JSONValue(parsing: "[1,]".utf8.lazy.map { $0 }) }
        #expect(broken?.code == .syntax)
    }
}
