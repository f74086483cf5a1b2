import DroverCache
import DroverJSON

/// A document to index: `{id, text, source?, url?, metadata?}` after validation.
public struct RAGDocument: Sendable, Hashable {
    public var id: String
    public var text: String
    public var source: String?
    public var url: String?
    /// `metadata` as given, `acl` included; stored and returned unchanged.
    public var metadata: [String: JSONValue]
    /// Parsed from `metadata.acl`; `nil` means public.
    public var access: RAGAccess?

    public init(id: String, text: String, source: String? = nil, url: String? = nil,
                metadata: [String: JSONValue] = [:], access: RAGAccess? = nil) {
        self.id = id
        self.text = text
        self.source = source
        self.url = url
        self.metadata = metadata
        self.access = access
    }

    /// Identifies the indexed content: text, fields and the chunking that produced the chunks, so a
    /// document re-sent unchanged is skipped and one indexed with other settings is not.
    func contentHash(chunking: ChunkingOptions, embedder: String) -> String {
        var hasher = ContentHasher()
        hasher.add(text)
        hasher.add(source ?? "\u{0}")
        hasher.add(url ?? "\u{0}")
        hasher.add(JSONValue.object(metadata).serialized(sortedKeys: true))
        hasher.add("\(chunking.size)/\(chunking.overlap)/\(embedder)")
        return hasher.hexDigest
    }
}
