import DroverHTTP
import DroverQueue
import Testing

/// One bad request and the answer it must get.
struct BadRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let method: String
    let target: String
    let body: String?
    let status: Int
    let code: String

    var testDescription: String { name }
}

@Suite("Bad requests get their 4xx and leave the API healthy (no socket)")
struct BadRequestTests {
    static let cases: [BadRequest] = [
        .init(name: "invalid JSON", method: "POST", target: "/api/rag/ask", body: #"{"query": "x",}"#, status: 400, code: "invalid_request"),
        .init(name: "empty body", method: "POST", target: "/api/rag/ask", body: nil, status: 400, code: "invalid_request"),
        .init(name: "body is an array", method: "POST", target: "/api/rag/ask", body: #"["x"]"#, status: 400, code: "invalid_request"),
        .init(name: "query is a number", method: "POST", target: "/api/rag/ask", body: #"{"query": 5}"#, status: 400, code: "invalid_request"),
        .init(name: "query missing", method: "POST", target: "/api/rag/search", body: #"{"qurey": "x"}"#, status: 400, code: "invalid_request"),
        .init(name: "query too long", method: "POST", target: "/api/rag/ask", body: #"{"query": ""# + String(repeating: "a", count: 20_000) + #""}"#, status: 400, code: "invalid_request"),
        .init(name: "priority unknown", method: "POST", target: "/api/rag/ask", body: #"{"query": "x", "priority": "urgent"}"#, status: 400, code: "invalid_request"),
        .init(name: "userId not a string", method: "POST", target: "/api/rag/ask", body: #"{"query": "x", "userId": 7}"#, status: 400, code: "invalid_request"),
        .init(name: "timeout out of range", method: "POST", target: "/api/rag/noop", body: #"{"timeout": 0}"#, status: 400, code: "invalid_request"),
        .init(name: "retries negative", method: "POST", target: "/api/rag/noop", body: #"{"retries": -1}"#, status: 400, code: "invalid_request"),
        .init(name: "queries not an array", method: "POST", target: "/api/rag/batch", body: #"{"queries": "x"}"#, status: 400, code: "invalid_request"),
        .init(name: "queries empty", method: "POST", target: "/api/rag/batch", body: #"{"queries": []}"#, status: 400, code: "invalid_request"),
        .init(name: "document without text", method: "POST", target: "/api/rag/index", body: #"{"documents": [{"id": "d1"}]}"#, status: 400, code: "invalid_request"),
        .init(name: "evaluate entry without relevantIds", method: "POST", target: "/api/rag/evaluate", body: #"{"queries": [{"query": "q"}]}"#, status: 400, code: "invalid_request"),
        .init(name: "options not an object", method: "POST", target: "/api/rag/search", body: #"{"query": "x", "options": 3}"#, status: 400, code: "invalid_request"),
        .init(name: "topK absurd", method: "POST", target: "/api/rag/search", body: #"{"query": "x", "options": {"topK": 1000000}}"#, status: 400, code: "invalid_request"),
        .init(name: "topK past what search runs", method: "POST", target: "/api/rag/search", body: #"{"query": "x", "options": {"topK": 101}}"#, status: 400, code: "invalid_request"),
        .init(name: "perDocument negative", method: "POST", target: "/api/rag/search", body: #"{"query": "x", "options": {"perDocument": -3}}"#, status: 400, code: "invalid_request"),
        .init(name: "perDocument not a number", method: "POST", target: "/api/rag/ask", body: #"{"query": "x", "options": {"perDocument": "2"}}"#, status: 400, code: "invalid_request"),
        .init(name: "nesting too deep", method: "POST", target: "/api/rag/noop", body: String(repeating: "[", count: 100) + String(repeating: "]", count: 100), status: 400, code: "invalid_request"),
        .init(name: "duplicate key", method: "POST", target: "/api/rag/ask", body: #"{"query": "a", "query": "b"}"#, status: 400, code: "invalid_request"),
        .init(name: "noop sleepMs negative", method: "POST", target: "/api/rag/noop", body: #"{"sleepMs": -5}"#, status: 400, code: "invalid_request"),
        .init(name: "noop sleepMs a string", method: "POST", target: "/api/rag/noop", body: #"{"sleepMs": "5"}"#, status: 400, code: "invalid_request"),
        .init(name: "noop sleepMs past ten minutes", method: "POST", target: "/api/rag/noop", body: #"{"sleepMs": 600001}"#, status: 400, code: "invalid_request"),
        .init(name: "noop holdMB absurd", method: "POST", target: "/api/rag/noop", body: #"{"holdMB": 1000000}"#, status: 400, code: "invalid_request"),
        .init(name: "noop fail not a string", method: "POST", target: "/api/rag/noop", body: #"{"fail": true}"#, status: 400, code: "invalid_request"),
        .init(name: "unknown job type", method: "POST", target: "/api/rag/fly", body: "{}", status: 404, code: "not_found"),
        .init(name: "mode unknown", method: "POST", target: "/api/rag/noop?mode=later", body: "{}", status: 400, code: "invalid_request"),
        .init(name: "timeoutMs absurd", method: "POST", target: "/api/rag/noop?timeoutMs=99999999999", body: "{}", status: 400, code: "invalid_request"),
        .init(name: "timeoutMs negative", method: "POST", target: "/api/rag/noop?timeoutMs=-5", body: "{}", status: 400, code: "invalid_request"),
        .init(name: "unknown query parameter", method: "POST", target: "/api/rag/noop?mdoe=sync", body: "{}", status: 400, code: "invalid_request"),
        .init(name: "bad job id", method: "GET", target: "/api/rag/job/not-an-id", body: nil, status: 400, code: "invalid_request"),
        .init(name: "job id with a bad type", method: "GET", target: "/api/rag/job/fly-0000000000000000000000000000", body: nil, status: 400, code: "invalid_request"),
        .init(name: "unknown job", method: "GET", target: "/api/rag/job/ask-0000000000000000000000000000", body: nil, status: 404, code: "not_found"),
        .init(name: "bad id to cancel", method: "DELETE", target: "/api/rag/job/%00", body: nil, status: 400, code: "invalid_request"),
        .init(name: "dlq limit absurd", method: "GET", target: "/api/rag/dlq?limit=0", body: nil, status: 400, code: "invalid_request"),
        .init(name: "dlq type unknown", method: "GET", target: "/api/rag/dlq?type=fly", body: nil, status: 400, code: "invalid_request"),
        .init(name: "dlq retry of a bad id", method: "POST", target: "/api/rag/dlq/xyz/retry", body: nil, status: 400, code: "invalid_request"),
        .init(name: "wrong method", method: "GET", target: "/api/rag/ask", body: nil, status: 405, code: "method_not_allowed"),
        .init(name: "unknown path", method: "GET", target: "/api/rag/nothing/here/at/all", body: nil, status: 404, code: "not_found"),
        .init(name: "unknown root path", method: "GET", target: "/admin", body: nil, status: 404, code: "not_found"),
    ]

    @Test("each bad request gets its 4xx in the error shape", arguments: cases)
    func badRequest(_ bad: BadRequest) async throws {
        let (api, queue) = makeAPI()
        let response = await api.call(bad.method, bad.target, body: bad.body)
        #expect(response.status == bad.status)
        #expect(errorCode(response) == bad.code)
        let message = try #require(response.jsonBody?["error"]?["message"]?.stringValue)
        #expect(!message.isEmpty)
        if bad.status == 405 {
            #expect(response.headers["Allow"]?.isEmpty == false, "a 405 names the methods allowed")
        }
        // Nothing was enqueued, and the API still answers.
        for type in JobType.allCases { #expect(try await queue.counts(of: type).waiting == 0) }
        #expect(await api.call("GET", "/healthz").status == 200)
        #expect(await api.call("POST", "/api/rag/noop?mode=async", body: "{}").status == 202)
    }
}
