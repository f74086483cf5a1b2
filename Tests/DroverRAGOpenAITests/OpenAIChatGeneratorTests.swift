import DroverJSON
import DroverRAG
import DroverRAGOpenAI
import DroverTestSupport
import Testing

/// The `openai` chat generator against a stand-in OpenAI-compatible server that streams.
@Suite("OpenAI chat generator")
struct OpenAIChatGeneratorTests {
    let passages = [
        SearchHit(documentID: "clock", chunkID: "clock#0", score: 2, text: "The date command prints the system time."),
        SearchHit(documentID: "disk", chunkID: "disk#0", score: 1, text: "The df command reports free disk space."),
    ]

    @Test("the streamed deltas make the answer; the passages it cites are its citations")
    func streamsAnAnswer() async throws {
        try await withStandIn { server, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "echo")
            let answer = try await generator.answer(query: "what prints the time?", passages: passages, deadline: .now + .seconds(30))
            #expect(answer.answer == "You asked: what prints the time? [1]")
            #expect(answer.citations == [passages[0]])
            #expect(!answer.partial)
            let request = try #require(server.requests.first)
            #expect(request.path == "/v1/chat/completions")
            #expect(request.body?["stream"] == .bool(true))
            let prompt = request.body?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
            #expect(prompt.contains("[1] (clock)\nThe date command prints the system time."))
            #expect(prompt.contains("[2] (disk)\nThe df command reports free disk space."))
        }
    }

    @Test("a stream still running at the deadline returns what arrived, marked partial")
    func returnsPartialAtDeadline() async throws {
        try await withStandIn { _, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "slow")
            let started = ContinuousClock.now
            // Five seconds of a word every 100 ms: a loaded machine still sees some words arrive.
            let answer = try await generator.answer(query: "q", passages: passages, deadline: .now + .seconds(5))
            #expect(answer.partial)
            #expect(answer.answer.hasPrefix("word "))
            // It stopped at the deadline, not when the one-minute stream would have ended.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("a cancelled job returns what arrived, marked partial")
    func returnsPartialWhenCancelled() async throws {
        try await withStandIn { server, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "slow")
            let passages = self.passages
            let task = Task { try await generator.answer(query: "q", passages: passages, deadline: .now + .seconds(60)) }
            // Cancel once the stream has started, so the answer has something in it.
            try await eventually("the stand-in has the request") { !server.requests.isEmpty }
            try await Task.sleep(for: .milliseconds(400))
            task.cancel()
            let answer = try await task.value
            #expect(answer.partial)
        }
    }

    @Test("a stream that ends without [DONE] or a finish reason is partial")
    func marksCutStreamsPartial() async throws {
        try await withStandIn { _, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "cut")
            let answer = try await generator.answer(query: "q", passages: passages, deadline: .now + .seconds(30))
            #expect(answer.answer == "Half an")
            #expect(answer.partial)
        }
    }

    @Test("a line that is not JSON is a clear error")
    func rejectsGarbage() async throws {
        try await withStandIn { _, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "garbage")
            let error = await openAIError { _ = try await generator.answer(query: "q", passages: passages, deadline: .now + .seconds(30)) }
            #expect(error?.message.contains("not JSON") == true, "\(String(describing: error))")
        }
    }

    @Test("a 503 is retried, then reported with the server's message")
    func reportsServerErrors() async throws {
        try await withStandIn(retries: 1) { server, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "down")
            let error = await openAIError { _ = try await generator.answer(query: "q", passages: passages, deadline: .now + .seconds(30)) }
            #expect(error?.message.contains("overloaded") == true, "\(String(describing: error))")
            #expect(error?.retryable == true)
            #expect(server.requests.count == 2)
        }
    }

    @Test("with no passages it answers so without calling the model")
    func answersWithoutPassages() async throws {
        try await withStandIn { server, endpoint in
            let generator = OpenAIChatGenerator(endpoint: endpoint, model: "echo")
            let answer = try await generator.answer(query: "q", passages: [], deadline: .now + .seconds(30))
            #expect(answer.citations.isEmpty)
            #expect(!answer.partial)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("index and ask through the engine use the model for both vectors and the answer")
    func drivesTheEngine() async throws {
        try await withStandIn { server, endpoint in
            let engine = RAGEngine(
                store: InMemoryRAGStore(), embedder: OpenAIEmbedder(endpoint: endpoint, model: "counting", dimensions: 4),
                generator: OpenAIChatGenerator(endpoint: endpoint, model: "echo"))
            let documents = JSONValue.array(passages.map { .object(["id": .string($0.documentID), "text": .string($0.text)]) })
            let report = try await engine.index(documents: documents, deletes: [], lockToken: "t", deadline: .now + .seconds(30)) { _ in }
            #expect(report.indexed == 2)
            let result = try await engine.ask(RAGQuery(text: "which command prints the system time"), deadline: .now + .seconds(30))
            #expect(result["answer"] == .string("You asked: which command prints the system time [1]"))
            #expect(result["partial"] == .bool(false))
            #expect(result["citations"]?.arrayValue?.first?["documentId"] == .string("clock"))
            #expect(server.requests.map(\.path).contains("/v1/embeddings"))
        }
    }
}
