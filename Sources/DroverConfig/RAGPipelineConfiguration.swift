/// `rag.*`: chunking, which embedder and generator the workers use, and upstream services.
public struct RAGPipelineConfiguration: Sendable, Hashable {
    /// Longest chunk, in characters. Default: 1000.
    public var chunkSize = 1000
    /// Characters a chunk repeats from the previous one; under half of `chunkSize`. Default: 200.
    public var chunkOverlap = 200
    /// Default: `hashing` (built in, no model).
    public var embedder: EmbedderKind = .hashing
    /// Default: `extractive` (built in, no model).
    public var generator: GeneratorKind = .extractive
    /// `rag.openai.*`: the OpenAI-compatible server the `openai` embedder and generator call.
    public var openAI = OpenAI()
    /// `rag.upstream.<type>`: a URL per job type; a type with one is forwarded there. Empty: none.
    public var upstream: [String: String] = [:]

    /// The job types that may have an upstream, in the order of `Config/drover.yaml`.
    public static let upstreamTypes = ["index", "search", "ask", "batch", "evaluate"]

    public init() {}

    /// What turns text into vectors.
    public enum EmbedderKind: String, Sendable, Hashable, CaseIterable {
        case hashing, openai
    }

    /// What writes answers.
    public enum GeneratorKind: String, Sendable, Hashable, CaseIterable {
        case extractive, openai
    }

    /// An OpenAI-compatible server (Ollama, vLLM, llama.cpp server, TEI, OpenAI itself over a plain-HTTP proxy).
    public struct OpenAI: Sendable, Hashable {
        /// Up to and including the API version. Default: Ollama's, `http://127.0.0.1:11434/v1`.
        public var baseURL = "http://127.0.0.1:11434/v1"
        /// Bearer token; empty sends none. Default: empty.
        public var apiKey = ""
        /// Default: `nomic-embed-text`.
        public var embeddingModel = "nomic-embed-text"
        /// Vector length; 0 asks the model once at worker start. Default: 0.
        public var dimensions = 0
        /// Texts per embeddings request. Default: 64.
        public var batchSize = 64
        /// Default: `llama3.2`.
        public var chatModel = "llama3.2"
        /// Longest one embeddings request may take; answers are bounded by the job's timeout. Default: 30000.
        public var timeoutMs = 30_000
        /// Further attempts after a 5xx, a 429 or a connection fault. Default: 2.
        public var retries = 2

        public init() {}
    }
}
