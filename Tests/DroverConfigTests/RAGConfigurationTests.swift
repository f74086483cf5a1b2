import DroverConfig
import Testing

/// `rag.*`: one line picks a model or an upstream; a bad value names its key.
@Suite("RAG configuration")
struct RAGConfigurationTests {
    func load(_ yaml: String) throws -> DroverConfiguration {
        let fixture = try ConfigFixture()
        return try DroverConfiguration.load(file: fixture.file(yaml), environment: [:])
    }

    func loadError(_ yaml: String) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) { try load(yaml) }
    }

    @Test("the defaults are the built-in embedder and generator, no upstreams")
    func defaults() throws {
        let rag = try load("").rag
        #expect(rag.embedder == .hashing)
        #expect(rag.generator == .extractive)
        #expect(rag.upstream.isEmpty)
        #expect(rag.chunkSize == 1000 && rag.chunkOverlap == 200)
    }

    @Test("one line each switches to an OpenAI-compatible model or an upstream service")
    func oneLineEach() throws {
        let rag = try load("""
            rag:
              embedder: openai
              generator: openai
              upstream:
                ask: "http://127.0.0.1:9000/ask"
            """).rag
        #expect(rag.embedder == .openai)
        #expect(rag.generator == .openai)
        #expect(rag.upstream == ["ask": "http://127.0.0.1:9000/ask"])
    }

    @Test("the API key is masked in config show, and its environment variable is a secret")
    func masksTheKey() throws {
        let config = try DroverConfiguration.load(file: nil, environment: ["DROVER_RAG_OPENAI_API_KEY": "sk-hidden"])
        #expect(config.rag.openAI.apiKey == "sk-hidden")
        #expect(config.keyValues().first { $0.keyPath == "rag.openai.apiKey" }?.value == DroverConfiguration.maskedSecret)
        #expect(!config.keyValues().contains { $0.value.contains("sk-hidden") })
    }

    @Test("bad values name the key and say why", arguments: [
        ("rag:\n  embedder: bert", "rag.embedder", "must be one of hashing, openai"),
        ("rag:\n  generator: gpt", "rag.generator", "must be one of extractive, openai"),
        ("rag:\n  openai:\n    baseURL: \"https://api.openai.com/v1\"", "rag.openai.baseURL", "https is not supported"),
        ("rag:\n  upstream:\n    ask: \"ftp://x/ask\"", "rag.upstream.ask", "must be an http:// URL"),
        ("rag:\n  openai:\n    chatModel: \"  \"", "rag.openai.chatModel", "must name a model"),
        ("rag:\n  chunkSize: 100\n  chunkOverlap: 60", "rag.chunkOverlap", "at most half"),
        ("rag:\n  chunkSize: 5", "rag.chunkSize", "between 20"),
        ("rag:\n  upstream:\n    noop: \"http://x/\"", "rag.upstream.noop", "unknown key"),
    ])
    func rejectsBadValues(yaml: String, key: String, reason: String) throws {
        let error = try loadError(yaml)
        #expect(error.keyPath == key)
        #expect(error.reason.contains(reason), "\(error)")
    }
}
