import DroverHTTPClient
import Testing

@Suite("Line splitting and SSE data lines")
struct LineSplitterTests {
    @Test("lines end at LF, CRLF or CR, even when the CRLF is split across chunks")
    func splitsAcrossChunks() throws {
        var splitter = LineSplitter()
        var lines: [String] = []
        for chunk in ["a\r", "\nb\n", "c\rd", "e"] {
            lines += try splitter.feed(Array(chunk.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(lines == ["a", "b", "c"])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "de")
    }

    @Test("a line over the limit is an error, not unbounded memory")
    func refusesHugeLine() {
        var splitter = LineSplitter(maxLineBytes: 8)
        #expect(throws: HTTPClientError.self) { try splitter.feed(Array(repeating: UInt8(ascii: "x"), count: 9)) }
    }

    @Test("data values lose one leading space; other fields and comments are not data")
    func dataValues() {
        func value(_ line: String) -> String? { ServerSentEventData.dataValue(Array(line.utf8)) }
        #expect(value("data: {\"a\":1}") == "{\"a\":1}")
        #expect(value("data:  two") == " two")
        #expect(value("data:[DONE]") == "[DONE]")
        #expect(value("data") == "")
        #expect(value("event: x") == nil)
        #expect(value(": comment") == nil)
        #expect(value("database: x") == nil)
    }
}
