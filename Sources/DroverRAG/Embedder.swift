import Glibc

/// Turns texts into fixed-length vectors. `hashing` is built in; an `openai` client plugs in here.
///
/// Implementations must return `dimensions` floats per text, L2-normalised (the index ranks by
/// dot product), in input order, and must be deterministic for a given `name`: the name is part of
/// each document's content hash, so changing embedder re-indexes documents as they are re-sent.
public protocol Embedder: Sendable {
    /// Identifies the model and its settings, e.g. `hashing-256`.
    var name: String { get }
    var dimensions: Int { get }
    /// Whether query embeddings are worth caching (a remote model: yes; hashing: no).
    var cachesQueries: Bool { get }
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// The built-in embedder: signed feature hashing of word unigrams and bigrams, L2-normalised.
///
/// Needs no model and is deterministic across processes and machines. On its own it ranks below
/// BM25 (no idf, collisions); hybrid search uses it alongside BM25, not instead of it.
public struct HashingEmbedder: Embedder {
    public let dimensions: Int
    /// Weight of a bigram relative to a unigram. Default: 0.5.
    public var bigramWeight: Float = 0.5
    private let tokenizer = Tokenizer()

    public init(dimensions: Int = 256) {
        precondition((8...8192).contains(dimensions), "hashing dimensions must be 8...8192")
        self.dimensions = dimensions
    }

    public var name: String { "hashing-\(dimensions)" }
    public var cachesQueries: Bool { false }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector)
    }

    /// The vector of one text; synchronous, for callers that know they hold a hashing embedder.
    public func vector(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: dimensions)
        let tokens = tokenizer.tokens(text)
        // Counts first, then 1 + ln(count): a word repeated twenty times on a page should not
        // outweigh twenty different words (what idf does for BM25, which a model-free vector lacks).
        var unigrams: [UInt64: Float] = [:], bigrams: [UInt64: Float] = [:]
        unigrams.reserveCapacity(tokens.count)
        bigrams.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() {
            unigrams[t, default: 0] += 1
            if i > 0 { bigrams[Tokenizer.mix(tokens[i - 1] &* 31 ^ t), default: 0] += 1 }
        }
        let d = UInt64(dimensions)
        for (features, scale) in [(unigrams, Float(1)), (bigrams, bigramWeight)] {
            for (h, count) in features {
                let weight = scale * (count == 1 ? 1 : 1 + Float(Glibc.log(Double(count))))
                // Low bits pick the slot, the top bit the sign, so collisions cancel on average.
                v[Int(h % d)] += (h >> 63) == 0 ? weight : -weight
            }
        }
        var norm: Float = 0
        for x in v { norm += x * x }
        if norm > 0 {
            let scale = 1 / norm.squareRoot()
            for i in v.indices { v[i] *= scale }
        }
        return v
    }
}
