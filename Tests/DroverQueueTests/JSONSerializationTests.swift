import DroverQueue
import Foundation
import Testing

@Suite("JSON serialization")
struct JSONSerializationTests {
    @Test func compactOutputOfScalars() {
        #expect(JSONValue.null.serialized() == "null")
        #expect(JSONValue.bool(true).serialized() == "true")
        #expect(JSONValue.bool(false).serialized() == "false")
        #expect(JSONValue.int(0).serialized() == "0")
        #expect(JSONValue.int(-42).serialized() == "-42")
        #expect(JSONValue.int(Int.max).serialized() == "9223372036854775807")
        #expect(JSONValue.int(Int.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.array([.int(1), .null, .array([])]).serialized() == "[1,null,[]]")
        #expect(JSONValue.object([:]).serialized() == "{}")
    }

    @Test func doublesAreShortestRoundTripAndNonFiniteBecomesNull() throws {
        #expect(JSONValue.double(5).serialized() == "5.0")
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(-0.0).serialized() == "-0.0")
        #expect(JSONValue.double(.infinity).serialized() == "null")
        #expect(JSONValue.double(-.infinity).serialized() == "null")
        #expect(JSONValue.double(.nan).serialized() == "null")
        for value in [1.5e-7, 1e300, -2.5e-300, 123_456.789, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e16, 0.3] {
            let text = JSONValue.double(value).serialized()
            #expect(try JSONValue(parsing: text) == .double(value), "\(text)")
        }
    }

    @Test func stringsEscapeQuotesBackslashesAndControlCharactersOnly() {
        #expect(JSONValue.string("a\"b\\c").serialized() == #""a\"b\\c""#)
        #expect(JSONValue.string("\u{00}\u{01}\n\r\t\u{1F}").serialized() == #""\u0000\u0001\u000a\u000d\u0009\u001f""#)
        #expect(JSONValue.string("/ é € 😀 \u{7F}").serialized() == "\"/ é € 😀 \u{7F}\"")
        #expect(JSONValue.object(["k\"": .string("v\n")]).serialized() == #"{"k\"":"v\u000a"}"#)
    }

    @Test func sortedKeysGiveOneCanonicalTextForEqualValues() {
        let value = JSONValue.object([
            "b": .int(1), "a": .object(["d": .int(2), "c": .array([.object(["z": .null, "y": .bool(true)])])]),
        ])
        #expect(value.serialized(sortedKeys: true) == #"{"a":{"c":[{"y":true,"z":null}],"d":2},"b":1}"#)
        var first: [String: JSONValue] = [:]
        var second: [String: JSONValue] = [:]
        for index in 0..<50 { first["key\(index)"] = .int(index) }
        for index in (0..<50).reversed() { second["key\(index)"] = .int(index) }
        #expect(JSONValue.object(first).serialized(sortedKeys: true) == JSONValue.object(second).serialized(sortedKeys: true))
    }

    @Test func sortedKeysAreOrderedByTheirUTF8Bytes() {
        let value = JSONValue.object(["é": .int(1), "a": .int(2), "Z": .int(3), "ab": .int(4), "": .int(5)])
        #expect(value.serialized(sortedKeys: true) == #"{"":5,"Z":3,"a":2,"ab":4,"é":1}"#)
    }

    @Test func writeAppendsToTheBuffer() {
        var buffer = Array("prefix:".utf8)
        JSONValue.array([.string("x")]).write(into: &buffer, sortedKeys: false)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix:["x"]"#)
    }

    static let samples: [JSONValue] = [
        .null, .bool(true), .int(Int.min), .int(Int.max), .double(1.5e-7), .double(-1e300),
        .string(""), .string("\u{0}\u{1F}\"\\/ é 😀 \u{10FFFF}"),
        .array([.int(1), .double(2.5), .array([.object([:])])]),
        .object(["userId": .string("u1"), "options": .object(["topK": .int(5), "perDocument": .int(2)]),
                 "queries": .array([.string("a"), .string("b")]), "nothing": .null]),
    ]

    @Test(arguments: samples)
    func parsingTheSerializedFormGivesTheSameValue(_ value: JSONValue) throws {
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: value.serialized(sortedKeys: true)) == value)
    }

    @Test func canonicalTextIsStableAcrossARoundTrip() throws {
        let text = #"{"z":[1,2.0,"\u00e9"],"a":{"y":false,"b":null},"m":-0.5}"#
        let canonical = try JSONValue(parsing: text).serialized(sortedKeys: true)
        #expect(canonical == #"{"a":{"b":null,"y":false},"m":-0.5,"z":[1,2.0,"é"]}"#)
        #expect(try JSONValue(parsing: canonical).serialized(sortedKeys: true) == canonical)
    }

    @Test func aOneMegabyteDocumentRoundTrips() throws {
        var members: [String] = []
        var size = 0
        var index = 0
        while size < 1_048_576 {
            let member = #"{"id":"doc-\#(index)","text":"line \#(index) with \"quotes\", tabs\t and é€😀","score":\#(Double(index) / 7),"n":\#(index),"tags":["a","b",null,true]}"#
            members.append(member)
            size += member.utf8.count + 1
            index += 1
        }
        let document = "{\"documents\":[" + members.joined(separator: ",") + "]}"
        #expect(document.utf8.count >= 1_048_576)
        let value = try JSONValue(parsing: document)
        #expect(value["documents"]?.arrayValue?.count == index)
        #expect(value["documents"]?.arrayValue?.last?["n"] == .int(index - 1))
        let reparsed = try JSONValue(parsing: value.serialized())
        #expect(reparsed == value)
        #expect(try JSONValue(parsing: value.serialized(sortedKeys: true)) == value)
    }

    @Test func codableRoundTripThroughFoundationKeepsIntegersAndStructure() throws {
        struct Envelope: Codable, Equatable {
            var name: String
            var payload: JSONValue
        }
        let envelope = Envelope(name: "job", payload: JSONValueSamples.payload)
        let data = try JSONEncoder().encode(envelope)
        let decoded = try JSONDecoder().decode(Envelope.self, from: data)
        #expect(decoded == envelope)
        // Our own parser reads what Foundation wrote.
        let parsed = try JSONValue(parsing: Array(data))
        #expect(parsed["payload"] == JSONValueSamples.payload)
    }

    @Test func codableDecodesFromForeignJSONAndEncodesNonFiniteAsNull() throws {
        let data = Data(#"{"a":5,"b":5.5,"c":[true,null,"s"],"d":{}}"#.utf8)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded == .object([
            "a": .int(5), "b": .double(5.5), "c": .array([.bool(true), .null, .string("s")]), "d": .object([:]),
        ]))
        let encoded = try JSONEncoder().encode(JSONValue.array([.double(.nan), .double(.infinity)]))
        #expect(String(decoding: encoded, as: UTF8.self) == "[null,null]")
    }
}

/// Values shared by the JSON tests.
enum JSONValueSamples {
    static let payload: JSONValue = .object([
        "query": .string("what is RAG?"), "topK": .int(10), "weight": .double(0.25),
        "filters": .array([.string("a"), .null, .bool(false)]), "nested": .object(["deep": .object([:])]),
    ])
}
