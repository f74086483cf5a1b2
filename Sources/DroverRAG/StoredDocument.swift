import DroverJSON

/// A document as indexed: its fields, chunks and their vectors. What a `RAGStore` keeps and
/// what each worker's in-memory index is rebuilt from.
public struct StoredDocument: Sendable, Hashable {
    public var id: String
    public var contentHash: String
    /// The index version that wrote it (set by the store on commit).
    public var version: Int64
    public var source: String?
    public var url: String?
    public var metadata: [String: JSONValue]
    public var chunks: [String]
    /// `chunks.count × dimensions` floats, row by row.
    public var vectors: [Float]
    public var dimensions: Int
    /// When it was committed, in milliseconds since the epoch.
    public var updatedAtMs: Int64

    public init(id: String, contentHash: String, version: Int64, source: String?, url: String?,
                metadata: [String: JSONValue], chunks: [String], vectors: [Float], dimensions: Int, updatedAtMs: Int64) {
        precondition(vectors.count == chunks.count * dimensions, "one vector of \(dimensions) floats per chunk")
        self.id = id
        self.contentHash = contentHash
        self.version = version
        self.source = source
        self.url = url
        self.metadata = metadata
        self.chunks = chunks
        self.vectors = vectors
        self.dimensions = dimensions
        self.updatedAtMs = updatedAtMs
    }

    /// `metadata.acl`, already validated when the document was read.
    public var access: RAGAccess? {
        (try? RAGAccess.parse(metadata["acl"]).get()) ?? nil
    }
}

/// What `GET /api/rag/documents/{id}` shows: where a document is in its processing.
public struct RAGDocumentState: Sendable, Hashable {
    /// `indexing` while a worker holds its lock, `indexed` once committed, `failed` if the last attempt failed.
    public var state: String
    public var id: String
    public var contentHash: String?
    public var version: Int64?
    public var chunks: Int?
    public var source: String?
    public var url: String?
    public var updatedAtMs: Int64?
    public var error: String?

    public init(state: String, id: String, contentHash: String? = nil, version: Int64? = nil, chunks: Int? = nil,
                source: String? = nil, url: String? = nil, updatedAtMs: Int64? = nil, error: String? = nil) {
        self.state = state
        self.id = id
        self.contentHash = contentHash
        self.version = version
        self.chunks = chunks
        self.source = source
        self.url = url
        self.updatedAtMs = updatedAtMs
        self.error = error
    }

    /// `{id, state, contentHash?, version?, chunks?, source?, url?, updatedAt?, error?}`.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "state": .string(state)]
        if let contentHash { o["contentHash"] = .string(contentHash) }
        if let version { o["version"] = .int(Int(version)) }
        if let chunks { o["chunks"] = .int(chunks) }
        if let source { o["source"] = .string(source) }
        if let url { o["url"] = .string(url) }
        if let updatedAtMs { o["updatedAtMs"] = .int(Int(updatedAtMs)) }
        if let error { o["error"] = .string(error) }
        return .object(o)
    }
}
