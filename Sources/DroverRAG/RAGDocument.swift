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

/// A 128-bit content fingerprint (two independent FNV-1a-64 lanes); for change detection, not security.
struct ContentHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        a = (a ^ 0xff) &* 0x0000_0100_0000_01b3
        b = (b ^ 0xfe) &* 0x0000_0100_0000_01b3
    }

    var hexDigest: String {
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a) + hex(b)
    }
}
