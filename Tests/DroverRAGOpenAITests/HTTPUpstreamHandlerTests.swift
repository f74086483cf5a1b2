import DroverHTTPClient
import DroverHTTPHandler
import DroverQueue
import DroverWorker
import Testing

/// The `http` handler against a stand-in upstream RAG service on loopback.
@Suite("HTTP upstream handler")
struct HTTPUpstreamHandlerTests {
    let context = JobContext { _ in }

    func job(_ payload: JSONValue) -> Job {
        Job(id: JobID.generate(for: .ask, millisecondsSinceEpoch: 1_700_000_000_000), priority: .normal, payload: payload,
            timeoutMs: 30_000, retries: 3, attempt: 1, createdAtMicros: 0)
    }

    /// The `JobFailure` the handler throws for `path`; records an issue if it succeeds.
    func failure(_ path: String, server: OpenAIStandInServer, client: HTTPClient) async throws -> JobFailure? {
        let handler = try HTTPUpstreamHandler(url: server.url(path), client: client)
        do {
            let result = try await handler.handle(job(.object(["query": .string("q")])), context: context)
            Issue.record("expected a failure from \(path), got \(result)")
            return nil
        } catch let failure as JobFailure {
            return failure
        }
    }

    @Test("the job's payload is POSTed as JSON and the upstream's JSON answer is the result")
    func forwardsTheJob() async throws {
        try await withStandInServer { server, client in
            let handler = try HTTPUpstreamHandler(url: server.url("/upstream/echo"), client: client)
            let payload = JSONValue.object(["query": .string("what is drover?"), "options": .object(["topK": .int(3)])])
            let job = job(payload)
            let result = try await handler.handle(job, context: context)
            #expect(result["echo"] == payload)
            #expect(result["jobId"] == .string(job.id.rawValue))
        }
    }

    @Test("a 5xx, 429 or 408 answer is a retryable failure", arguments: [500, 503, 429, 408])
    func retriesServerErrors(status: Int) async throws {
        try await withStandInServer { server, client in
            let failure = try await failure("/upstream/status?code=\(status)", server: server, client: client)
            #expect(failure?.retryable == true)
            #expect(failure?.message.contains("HTTP \(status)") == true)
        }
    }

    @Test("any other 4xx fails the job for good", arguments: [400, 404, 422])
    func failsOnClientErrors(status: Int) async throws {
        try await withStandInServer { server, client in
            let failure = try await failure("/upstream/status?code=\(status)", server: server, client: client)
            #expect(failure?.retryable == false)
            #expect(failure?.message.contains("HTTP \(status)") == true)
        }
    }

    @Test("a 2xx body that is not JSON fails the job for good")
    func failsOnProse() async throws {
        try await withStandInServer { server, client in
            let failure = try await failure("/upstream/prose", server: server, client: client)
            #expect(failure?.retryable == false)
            #expect(failure?.message.contains("not JSON") == true)
        }
    }

    @Test("an upstream that is not listening is a retryable failure")
    func retriesRefusedConnections() async throws {
        try await withStandInServer { server, client in
            await server.stop()
            let failure = try await failure("/upstream/echo", server: server, client: client)
            #expect(failure?.retryable == true)
        }
    }

    @Test("an https or malformed upstream URL is refused when the handler is made")
    func refusesBadURLs() async throws {
        let client = HTTPClient()
        for url in ["https://rag.example/ask", "rag.example/ask", "http://"] {
            #expect(throws: HTTPClientError.self, "\(url)") { _ = try HTTPUpstreamHandler(url: url, client: client) }
        }
        await client.shutdown()
    }
}
