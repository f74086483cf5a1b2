import DroverHTTP
import Testing

/// How a request target's query string becomes parameters: `APIRequest.split` and `parameters`.
@Suite("HTTP API query parameters")
struct QueryParameterTests {
    @Test("the path and each parameter are split at ?, & and the first =")
    func splitsAtDelimiters() {
        let (path, query) = APIRequest.split(target: "/api/rag/ask?mode=sync&timeoutMs=250&note=a=b")
        #expect(path == "/api/rag/ask")
        #expect(query == ["mode": "sync", "timeoutMs": "250", "note": "a=b"])
    }

    @Test("names and values are percent-decoded, and + is a space")
    func decodesEscapes() {
        #expect(APIRequest.parameters("q=caf%C3%A9+au+lait&%6Dode=async".utf8) == ["q": "café au lait", "mode": "async"])
    }

    @Test("the first value wins when a name repeats; a bare name has an empty value; empty pairs are skipped")
    func repeatsBareNamesAndEmptyPairs() {
        #expect(APIRequest.parameters("mode=sync&mode=async&&flag&=x".utf8) == ["mode": "sync", "flag": "", "": "x"])
    }

    @Test("a target without ? has no parameters, and a broken escape is kept as it came")
    func noQueryAndBrokenEscapes() {
        #expect(APIRequest.split(target: "/healthz") == ("/healthz", [:]))
        #expect(APIRequest.parameters("a=%zz&b=%4".utf8) == ["a": "%zz", "b": "%4"])
    }

    @Test("non-ASCII text passes through, and invalid UTF-8 after decoding becomes U+FFFD, never a crash")
    func unicodeAndInvalidBytes() {
        #expect(APIRequest.parameters("name=Zoë&x=%FF".utf8) == ["name": "Zoë", "x": "\u{FFFD}"])
    }
}
