/// The pipeline's settings; each has the documented default.
public struct RAGConfiguration: Sendable {
    public var chunking = ChunkingOptions()
    public var fusion = FusionWeights()
    public var reader = RAGDocumentReader()
    /// Bytes of the per-worker L1 cache; 0 turns it off. Default: 100 MiB (`cache.l1MB`).
    public var l1Bytes = 100 << 20
    /// L1/L2 lifetimes, seconds (`cache.ttl.*`). Defaults: 24 h, 1 h, 30 min.
    public var embeddingsTTLSeconds = 86_400
    public var queriesTTLSeconds = 3_600
    public var answersTTLSeconds = 1_800
    /// How long a document lock lives if its holder dies. Default: 60 s.
    public var lockTTLMs = 60_000
    /// Texts sent to the embedder per call. Default: 256.
    public var embedBatch = 256
    /// Queries in one `batch` or `evaluate` job. Default: 10,000.
    public var maxQueries = 10_000
    /// Longest query, in UTF-8 bytes. Default: 8192.
    public var maxQueryBytes = 8_192

    public init() {}
}
