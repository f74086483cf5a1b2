import Glibc
import DroverJSON

/// A labelled query: `{query, relevantIds}`.
public struct LabelledQuery: Sendable, Hashable {
    public var query: String
    public var relevantIDs: Set<String>

    public init(query: String, relevantIDs: Set<String>) {
        self.query = query
        self.relevantIDs = relevantIDs
    }
}

/// Recall@k, MRR and nDCG@k (binary relevance) averaged over queries, plus mean latency.
public struct RetrievalMetrics: Sendable, Hashable {
    public var recallAtK: Double
    public var mrr: Double
    public var ndcgAtK: Double
    public var k: Int
    public var latencyMs: Double

    /// Scores rankings (document ids, best first) against their labels; queries with no relevant
    /// ids count as zero, as a retriever cannot be credited for them.
    public init(rankings: [[String]], labels: [Set<String>], k: Int, latencyMs: Double) {
        precondition(rankings.count == labels.count)
        var recall = 0.0, reciprocal = 0.0, ndcg = 0.0
        for (ranking, relevant) in zip(rankings, labels) where !relevant.isEmpty {
            let top = Array(ranking.prefix(k))
            let found = Set(top).intersection(relevant).count
            recall += Double(found) / Double(relevant.count)
            if let first = ranking.firstIndex(where: relevant.contains) { reciprocal += 1 / Double(first + 1) }
            var dcg = 0.0
            var seen: Set<String> = []
            for (i, id) in top.enumerated() where relevant.contains(id) && seen.insert(id).inserted {
                dcg += 1 / Glibc.log2(Double(i + 2))
            }
            var ideal = 0.0
            for i in 0..<min(relevant.count, k) { ideal += 1 / Glibc.log2(Double(i + 2)) }
            ndcg += dcg / ideal
        }
        let n = Double(max(1, rankings.count))
        self.recallAtK = recall / n
        self.mrr = reciprocal / n
        self.ndcgAtK = ndcg / n
        self.k = k
        self.latencyMs = latencyMs
    }

    /// `{recallAtK, mrr, ndcgAtK, k, latencyMs}`.
    public var json: JSONValue {
        .object([
            "recallAtK": .double(recallAtK), "mrr": .double(mrr), "ndcgAtK": .double(ndcgAtK),
            "k": .int(k), "latencyMs": .double(latencyMs),
        ])
    }
}
