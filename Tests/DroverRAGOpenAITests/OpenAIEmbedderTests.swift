import DroverJSON
import DroverQueue
import DroverRAG
import DroverRAGHandlers
import DroverRAGOpenAI
import DroverTestSupport
import DroverWorker
import Testing

/// The `openai` embedder against a stand-in OpenAI-compatible server on loopback.
@Suite("OpenAI embedder")
struct OpenAIEmbedderTests {
    /// What the stand-in's `counting` model answers for `text`, normalised.
    func expected(_ text: String) -> [Float] {
        let raw: [Float] = [Float(text.utf8.count), 1, 0, 0]
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    /// Whether two lists of vectors agree to float rounding (the embedder normalises in `Float`).
    func matches(_ vectors: [[Float]], _ texts: [String]) -> Bool {
        let wanted = texts.map(expected)
        return vectors.count == wanted.count && zip(vectors, wanted).allSatisfy { got, want in
            got.count == want.count && zip(got, want).allSatisfy { abs($0 - $1) < 1e-5 }
        }
    }

    @Test("vectors come back normalised, in input order, in batches of the configured size")
    func embedsInBatches() async throws {
        try await withStandIn { server, endpoint in
            var embedder = OpenAIEmbedder(endpoint: endpoint, model: "counting", dimensions: 4)
            embedder.batchSize = 3
            let texts = (1...7).map { String(repeating: "x", count: $0) }
            let vectors = try await embedder.embed(texts)
            #expect(matches(vectors, texts), "\(vectors)")
            let sent = server.requests.map { $0.body?["input"]?.arrayValue?.count ?? -1 }
            #expect(sent == [3, 3, 1])
            #expect(server.requests.allSatisfy { $0.path == "/v1/embeddings" && $0.authorization == "Bearer sk-test" })
            #expect(server.requests.first?.body?["model"] == .string("counting"))
        }
    }

    @Test("vectors are put back in input order by their index when the server lists them otherwise")
    func ordersByIndex() async throws {
        try await withStandIn { _, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "reversed", dimensions: 4)
            let vectors = try await embedder.embed(["a", "bbbb", "cc"])
            #expect(matches(vectors, ["a", "bbbb", "cc"]), "\(vectors)")
        }
    }

    @Test("the dimension count is learnt from the model when not configured")
    func probesDimensions() async throws {
        try await withStandIn { _, endpoint in
            let embedder = try await OpenAIEmbedder.probing(endpoint: endpoint, model: "counting")
            #expect(embedder.dimensions == 4)
            #expect(embedder.name == "openai-counting-4")
        }
    }

    @Test("a 5xx is retried with backoff and the request then succeeds")
    func retriesServerErrors() async throws {
        try await withStandIn(retries: 2) { server, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "flaky", dimensions: 4)
            let vectors = try await embedder.embed(["abc"])
            #expect(matches(vectors, ["abc"]), "\(vectors)")
            #expect(server.requests.count == 3)
        }
    }

    @Test("a server that stays down fails after the configured retries, retryably, quoting its message")
    func givesUpOnServerErrors() async throws {
        try await withStandIn(retries: 1) { server, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "down", dimensions: 4)
            let error = await openAIError { _ = try await embedder.embed(["abc"]) }
            #expect(error?.retryable == true)
            #expect(error?.message.contains("HTTP 500") == true)
            #expect(error?.message.contains("model is loading") == true)
            #expect(server.requests.count == 2)
        }
    }

    @Test("a 4xx is not retried")
    func doesNotRetryClientErrors() async throws {
        try await withStandIn(retries: 3) { server, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "refused", dimensions: 4)
            let error = await openAIError { _ = try await embedder.embed(["abc"]) }
            #expect(error?.retryable == false)
            #expect(error?.message.contains("input too long") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test("bad answers each get a clear error", arguments: [
        ("short", "2 embeddings for 3 inputs"),
        ("ragged", "has 3 numbers, expected 4"),
        ("words", "is not a finite number"),
        ("prose", "not JSON"),
    ])
    func rejectsBadAnswers(model: String, reason: String) async throws {
        try await withStandIn { _, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: model, dimensions: 4)
            let error = await openAIError { _ = try await embedder.embed(["a", "bb", "ccc"]) }
            #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
            #expect(error?.retryable == false)
        }
    }

    @Test("vectors of another length than configured are refused")
    func rejectsWrongDimensions() async throws {
        try await withStandIn { _, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "counting", dimensions: 8)
            let error = await openAIError { _ = try await embedder.embed(["a"]) }
            #expect(error?.message.contains("has 4 numbers, expected 8") == true, "\(String(describing: error))")
        }
    }

    @Test("a request that outlasts the timeout fails retryably, after the retries")
    func timesOut() async throws {
        // 1 s against the model's 5 s: long enough that a loaded machine still sends each attempt
        // before it times out. The stand-in may read the second one after the client gave up on it.
        try await withStandIn(retries: 1, timeout: .seconds(1)) { server, endpoint in
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "slow", dimensions: 4)
            let error = await openAIError { _ = try await embedder.embed(["a"]) }
            #expect(error?.retryable == true)
            #expect(error?.message.contains("requestTimeout") == true, "\(String(describing: error))")
            #expect(await eventually { server.requests.count == 2 })
            #expect(server.requests.count == 2)
        }
    }

    @Test("nothing listening is a retryable connection error, after the retries")
    func reportsRefusedConnections() async throws {
        try await withStandIn(retries: 1) { server, endpoint in
            await server.stop()
            let embedder = OpenAIEmbedder(endpoint: endpoint, model: "counting", dimensions: 4)
            let error = await openAIError { _ = try await embedder.embed(["a"]) }
            #expect(error?.retryable == true)
            #expect(error?.message.contains("connection") == true, "\(String(describing: error))")
        }
    }

    @Test("an https or malformed base URL is refused up front")
    func refusesBadBaseURLs() async throws {
        try await withStandIn { _, endpoint in
            for url in ["https://api.openai.com/v1", "127.0.0.1:11434", "http://"] {
                let error = await openAIError { _ = try OpenAIEndpoint(baseURL: url, client: endpoint.client) }
                #expect(error != nil, "\(url)")
            }
        }
    }

    @Test("an index job fails for good on a bad embeddings answer and retryably on a server that stays down",
          arguments: [("words", false), ("down", true)])
    func indexJobFailures(model: String, retryable: Bool) async throws {
        try await withStandIn(retries: 0) { _, endpoint in
            let engine = RAGEngine(store: InMemoryRAGStore(), embedder: OpenAIEmbedder(endpoint: endpoint, model: model, dimensions: 4))
            let handler = try #require(RAGHandlers.make(engine: engine)[.index])
            let payload = JSONValue.object(["documents": .array([.object(["id": .string("a"), "text": .string("Some text.")])])])
            let job = Job(id: JobID.generate(for: .index, millisecondsSinceEpoch: 1_700_000_000_000), priority: .normal,
                          payload: payload, timeoutMs: 30_000, retries: 3, attempt: 1, createdAtMicros: 0)
            do {
                _ = try await handler.handle(job, context: JobContext { _ in })
                Issue.record("expected the index job to fail")
            } catch let failure as JobFailure {
                #expect(failure.retryable == retryable)
                #expect(failure.message.contains(model))
            }
        }
    }
}
