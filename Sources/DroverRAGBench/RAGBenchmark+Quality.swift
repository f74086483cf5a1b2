import DroverJSON
import DroverRAG
import FoundationEssentials

extension RAGBenchmark {
    /// Recall@10 and MRR of each retriever on a set from `scripts/build-eval-set`; the fusion is
    /// tuned on the tuning half only, and every retriever is reported on both halves.
    public func runQuality(directory: String) async throws -> [String] {
        let limits = JSONLimits(maxBytes: 1 << 30, maxStringBytes: 1 << 30, maxContainerCount: 10_000_000)
        func load(_ name: String) throws -> JSONValue {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            return try JSONValue(parsing: [UInt8](data), limits: limits)
        }
        let documents = try load("documents.json").arrayValue ?? []
        let engine = RAGEngine(store: InMemoryRAGStore())
        var position = 0
        let clock = ContinuousClock()
        let start = clock.now
        while position < documents.count {
            let batch = Array(documents[position..<min(position + 200, documents.count)])
            let report = try await engine.index(documents: .array(batch), deletes: [], lockToken: "eval", deadline: .now + .seconds(3_600)) { _ in }
            position += batch.count
            if !report.failed.isEmpty { throw RAGInputError("documents.json: \(report.failed.prefix(3))") }
        }
        let indexSeconds = (clock.now - start).seconds
        let index = await engine.indexSnapshot
        var lines = ["set    \(directory): \(index.documentCount) documents, \(index.chunkCount) chunks, indexed in \(Self.format(indexSeconds)) s"]

        let embedder = HashingEmbedder()
        func labelled(_ name: String) throws -> [(text: String, vector: [Float], relevant: Set<String>)] {
            try (load(name).arrayValue ?? []).compactMap { item in
                guard let text = item["query"]?.stringValue, let ids = item["relevantIds"]?.arrayValue else { return nil }
                return (text, embedder.vector(text), Set(ids.compactMap(\.stringValue)))
            }
        }
        let tune = try labelled("tune.json"), test = try labelled("test.json")
        func metrics(_ set: [(text: String, vector: [Float], relevant: Set<String>)], _ retriever: Retriever, _ fusion: FusionWeights) -> RetrievalMetrics {
            let started = clock.now
            let rankings = set.map { query in
                index.search(text: query.text, vector: query.vector, caller: .init(), options: SearchOptions(topK: 10),
                             retriever: retriever, fusion: fusion).map(\.documentID)
            }
            let ms = (clock.now - started).seconds * 1000 / Double(max(1, set.count))
            return RetrievalMetrics(rankings: rankings, labels: set.map(\.relevant), k: 10, latencyMs: ms)
        }

        var best = (fusion: FusionWeights(), metrics: metrics(tune, .hybrid, FusionWeights()))
        // A coarse sweep first showed BM25-heavy fusion with a small k winning (k 60, equal weights: −7 points);
        // this grid brackets that region.
        for k: Float in [2, 5, 10, 20, 60] {
            for keyword: Float in [1, 2, 3, 4, 6, 8] {
                let fusion = FusionWeights(k: k, keyword: keyword, vector: 1)
                let m = metrics(tune, .hybrid, fusion)
                if (m.recallAtK, m.mrr) > (best.metrics.recallAtK, best.metrics.mrr) { best = (fusion, m) }
            }
        }
        lines.append("tuned  on \(tune.count) tuning queries: RRF k \(best.fusion.k), keyword weight \(best.fusion.keyword), vector weight \(best.fusion.vector)")
        for (name, set) in [("tune", tune), ("test", test)] {
            for (label, retriever, fusion) in [
                ("bm25 (keyword)", Retriever.keyword, FusionWeights()), ("hashing (vector)", .vector, FusionWeights()),
                ("hybrid, k60 1:1", .hybrid, FusionWeights(k: 60, keyword: 1, vector: 1)),
                ("hybrid, default", .hybrid, FusionWeights()), ("hybrid, tuned", .hybrid, best.fusion),
            ] {
                let m = metrics(set, retriever, fusion)
                lines.append("\(name)   \(label.padding(17)) recall@10 \(Self.format3(m.recallAtK))  mrr \(Self.format3(m.mrr))  ndcg@10 \(Self.format3(m.ndcgAtK))  \(Self.format(m.latencyMs)) ms/query  (\(set.count) queries)")
            }
        }
        return lines
    }

    static func format3(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
