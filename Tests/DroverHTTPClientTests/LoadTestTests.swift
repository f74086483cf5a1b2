import DroverHTTPClient
import DroverJSON
@testable import DroverLoadTest
import Testing

@Suite("Load test")
struct LoadTestTests {
    func options(_ url: String, type: String = "noop", mode: String? = nil, priority: String? = nil, body: String? = nil,
                 token: String? = nil, concurrency: Int = 4, seconds: Double = 0.5, rate: Double? = nil) throws -> LoadTestOptions {
        try LoadTestOptions.forCommandLine(
            url: url, type: type, mode: mode, priority: priority, body: body, token: token,
            concurrency: concurrency, durationSeconds: seconds, rate: rate)
    }

    @Test("a base URL posts to /api/rag/<type>?mode=<mode> with a default body that differs per request")
    func baseURL() throws {
        let made = try options("http://127.0.0.1:8080", type: "search", mode: "async", priority: "high", token: "secret")
        #expect(made.url.description == "http://127.0.0.1:8080/api/rag/search?mode=async")
        let template = BodyTemplate(made.bodyTemplate)
        let first = try JSONValue(parsing: template.render(1))
        #expect(first["query"]?.stringValue == "loadtest 1")
        #expect(first["sleepMs"]?.intValue == 0)
        #expect(first["priority"]?.stringValue == "high")
        #expect(template.render(1) != template.render(2))
        #expect(made.headers.contains(HTTPHeader("Authorization", "Bearer secret")))
    }

    @Test("a URL with a path is used as given, and a body without {{n}} as it is")
    func fullURL() throws {
        let made = try options("http://127.0.0.1:8080/api/rag/ask?mode=sync", body: #"{"query":"same"}"#)
        #expect(made.url.target == "/api/rag/ask?mode=sync")
        #expect(BodyTemplate(made.bodyTemplate).render(7) == Array(#"{"query":"same"}"#.utf8))
    }

    /// One bad command line and the option its refusal must name.
    struct BadOptions: Sendable, CustomTestStringConvertible {
        var names: String
        var url = "http://h:1"
        var type = "noop"
        var mode: String?
        var priority: String?
        var body: String?
        var token: String?
        var concurrency = 4
        var seconds = 1.0
        var rate: Double?
        var testDescription: String { names }
    }

    @Test("bad options are refused with the option's name", arguments: [
        BadOptions(names: "--concurrency", concurrency: 0), BadOptions(names: "--duration", seconds: 0),
        BadOptions(names: "--rate", rate: -5), BadOptions(names: "--type", type: "bogus"),
        BadOptions(names: "--mode", mode: "later"), BadOptions(names: "--priority", priority: "urgent"),
        BadOptions(names: "--body", body: "{not json"), BadOptions(names: "--body", priority: "high", body: "{}"),
        BadOptions(names: "--token", token: "a b"), BadOptions(names: "https", url: "https://h:1"),
    ])
    func refusesBadOptions(bad: BadOptions) {
        do {
            _ = try options(bad.url, type: bad.type, mode: bad.mode, priority: bad.priority, body: bad.body,
                            token: bad.token, concurrency: bad.concurrency, seconds: bad.seconds, rate: bad.rate)
            Issue.record("expected a refusal naming \(bad.names)")
        } catch {
            #expect("\(error)".contains(bad.names), "\(error)")
        }
    }

    @Test("closed loop: every request is answered, over at most N kept-alive connections")
    func closedLoop() async throws {
        let server = try await LoopbackHTTPServer.start()
        let report = await LoadTest(options: try options(server.url("/ok"), concurrency: 4, seconds: 2)).run()
        await server.stop()
        #expect(report.answered > 0)
        #expect(report.errorCount == 0)
        #expect(report.byStatus == [200: report.answered])
        #expect(server.requests == report.answered)
        #expect(server.acceptedConnections <= 4)
        #expect(report.p50 <= report.p95 && report.p95 <= report.p99 && report.p99 <= report.max)
        let json = try JSONValue(parsing: report.json.serialized())
        #expect(json["answered"]?.intValue == report.answered)
        #expect(json["statusClasses"]?["2xx"]?.intValue == report.answered)
    }

    @Test("open loop: requests follow the schedule; answered, skipped and failed add up to it")
    func openLoop() async throws {
        let server = try await LoopbackHTTPServer.start()
        let report = await LoadTest(options: try options(server.url("/status?code=503"), concurrency: 2, seconds: 0.5, rate: 100)).run()
        await server.stop()
        let scheduled = report.answered + report.skipped + report.errorCount
        // 0.5 s at 100 requests/s: requests 0 … 50, each answered, skipped or failed exactly once.
        #expect(scheduled == 51)
        #expect(report.byStatus[503] == report.answered)
        #expect(report.statusClasses.first { $0.name == "503" }?.count == report.answered)
    }

    @Test("a refused connection is counted as an error by kind, with a sample message")
    func countsErrors() async throws {
        let server = try await LoopbackHTTPServer.start()
        let url = server.url("/ok")
        await server.stop()
        let report = await LoadTest(options: try options(url, concurrency: 1, seconds: 0.2)).run()
        #expect(report.answered == 0)
        #expect(report.errorCount > 0)
        #expect(report.errors["connectionRefused"] == report.errorCount)
        #expect(report.text.contains("connectionRefused"))
    }

    @Test("chunked, interim and large answers are read to their end on kept-alive connections", arguments: ["/chunked", "/trickle", "/continue", "/big?bytes=200000"])
    func framings(path: String) async throws {
        let server = try await LoopbackHTTPServer.start()
        // Two seconds: a trickled answer takes many writes, and under a full parallel test run a
        // short run can end before the first one is whole.
        let report = await LoadTest(options: try options(server.url(path), concurrency: 2, seconds: 2)).run()
        await server.stop()
        #expect(report.answered > 0)
        #expect(report.errorCount == 0, "\(report.errorSamples)")
        #expect(report.byStatus == [200: report.answered])
        #expect(server.requests == report.answered)
        #expect(server.acceptedConnections <= 2)
    }

    @Test("a server that closes after each answer gets a new connection for each request")
    func reconnects() async throws {
        let server = try await LoopbackHTTPServer.start()
        let report = await LoadTest(options: try options(server.url("/close"), concurrency: 2, seconds: 2)).run()
        await server.stop()
        #expect(report.answered > 1)
        #expect(report.errorCount == 0, "\(report.errorSamples)")
        #expect(server.acceptedConnections == report.answered)
    }

    @Test("broken answers are counted by kind, and the test goes on", arguments: [
        ("/cut", "connectionClosed"), ("/garbage", "malformedResponse"), ("/slow?ms=60000", "requestTimeout"),
    ])
    func brokenAnswers(path: String, kind: String) async throws {
        let server = try await LoopbackHTTPServer.start()
        // Two seconds, though a healthy machine fails a request every millisecond or so: under a full
        // parallel test run a lane can spend a large part of a short run waiting for the CPU.
        var made = try options(server.url(path), concurrency: 2, seconds: 2)
        // Short only where the timeout is what is tested: elsewhere a loaded machine could turn a
        // slow answer into a timeout and hide the kind under test.
        if kind == "requestTimeout" { made.requestTimeout = .milliseconds(150) }
        let report = await LoadTest(options: made).run()
        await server.stop()
        #expect(report.answered == 0)
        #expect(report.errorCount >= 2)
        // The short timeout bounds each reconnect too, and on a loaded machine one can run out of it:
        // a connectTimeout is the same cause showing earlier, not a different kind of answer.
        let sameCause: Set<String> = kind == "requestTimeout" ? [kind, "connectTimeout"] : [kind]
        #expect(report.errors.keys.allSatisfy(sameCause.contains), "\(report.errors)")
        #expect(report.errors[kind] ?? 0 >= 1, "\(report.errors)")
        // Each failure dropped its connection; the next request opened another.
        #expect(server.acceptedConnections >= report.errorCount)
    }
}
