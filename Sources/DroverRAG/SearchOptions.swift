import DroverJSON
import DroverQueue

/// A query's options: `options.topK` (default 10) and `options.perDocument` (default 1).
public struct SearchOptions: Sendable, Hashable {
    public static let maxTopK = JobRequest.maxTopK
    public static let maxPerDocument = JobRequest.maxPerDocument

    public var topK = 10
    /// Hits allowed per document; 1 collapses each document to its best chunk.
    public var perDocument = 1

    public init(topK: Int = 10, perDocument: Int = 1) {
        self.topK = topK
        self.perDocument = perDocument
    }

    /// Reads `options` from a job payload, naming the bad field; enqueue checked it with the same rules.
    public init(json: JSONValue?) throws(RAGInputError) {
        guard let json, json != .null else { return }
        guard json.objectValue != nil else { throw RAGInputError("options must be an object") }
        do throws(JobQueueError) {
            topK = try JobRequest.optionalInteger(json["topK"], "options.topK", in: 1...Self.maxTopK) ?? topK
            perDocument = try JobRequest.optionalInteger(json["perDocument"], "options.perDocument", in: 1...Self.maxPerDocument) ?? perDocument
        } catch {
            throw RAGInputError(error.message)
        }
    }

    var cacheKey: String { "\(topK)/\(perDocument)" }
}

/// How the two rankings are fused: weighted reciprocal rank fusion, `Σ wᵢ / (k + rankᵢ)`.
public struct FusionWeights: Sendable, Hashable {
    /// RRF's rank offset; larger flattens the difference between ranks. Default: 5.
    public var k: Float
    public var keyword: Float
    public var vector: Float
    /// Candidates taken from each ranking before fusion. Default: 200.
    public var candidates: Int

    /// Defaults tuned on the tuning half of the man-page known-item set (`scripts/build-eval-set`,
    /// `drover bench rag --eval`): BM25 carries most of the weight, and the hashing vectors break
    /// its ties and rescue near misses. The textbook k = 60 with equal weights lost to BM25 alone there.
    public init(k: Float = 5, keyword: Float = 4, vector: Float = 1, candidates: Int = 200) {
        self.k = k
        self.keyword = keyword
        self.vector = vector
        self.candidates = candidates
    }
}

/// One search result: `{documentId, chunkId, score, text}`.
public struct SearchHit: Sendable, Hashable {
    public var documentID: String
    /// `<documentId>#<chunk number from 0>`.
    public var chunkID: String
    public var score: Double
    public var text: String

    public init(documentID: String, chunkID: String, score: Double, text: String) {
        self.documentID = documentID
        self.chunkID = chunkID
        self.score = score
        self.text = text
    }

    public var json: JSONValue {
        .object(["documentId": .string(documentID), "chunkId": .string(chunkID), "score": .double(score), "text": .string(text)])
    }
}
