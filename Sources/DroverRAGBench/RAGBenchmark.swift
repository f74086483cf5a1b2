import DroverJSON
import DroverRAG
import FoundationEssentials
import Glibc

/// `drover bench rag`: index throughput and search latency on synthetic text, retrieval quality
/// on a labelled set, and cache hit rates on a Zipf-shaped workload. In-process, no Redis: it
/// measures the pipeline, not the network.
public struct RAGBenchmark: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Index sizes, in chunks, at which search latency is measured. Default: 10k and 100k.
        public var chunkCounts = [10_000, 100_000]
        /// Queries timed per index size. Default: 500.
        public var queries = 500
        /// A directory made by `scripts/build-eval-set`: quality figures instead of speed.
        public var evalDirectory: String?
        /// Requests in the cache workload. Default: 20,000.
        public var cacheRequests = 20_000
        public init() {}
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Runs the speed part and returns its report lines.
    public func runSpeed() async throws -> [String] {
        var lines: [String] = []
        for target in options.chunkCounts {
            var generator = SyntheticText(seed: UInt64(target))
            let engine = RAGEngine(store: InMemoryRAGStore())
            let documentCount = target / 5
            let clock = ContinuousClock()
            var indexTime = Duration.zero
            var position = 0
            while position < documentCount {
                let batch = (position..<min(position + 200, documentCount)).map { i -> JSONValue in
                    // ~4,100 characters: five chunks of 1,000 with 200 overlap.
                    .object(["id": .string("d\(i)"), "text": .string(generator.paragraph(characters: 4_100))])
                }
                let start = clock.now
                _ = try await engine.index(documents: .array(batch), deletes: [], lockToken: "bench", deadline: .now + .seconds(3_600)) { _ in }
                indexTime += clock.now - start
                position += batch.count
            }
            let chunks = await engine.size.chunks
            lines.append("index  \(chunks) chunks from \(documentCount) documents in \(Self.format(indexTime.seconds)) s: \(Int(Double(chunks) / indexTime.seconds)) chunks/s (hashing-256, chunk → embed → in-memory store → index)")
            for retriever in Retriever.allCases {
                var latencies: [Double] = []
                for _ in 0..<options.queries {
                    let query = RAGQuery(text: generator.query(), retriever: retriever)
                    let start = clock.now
                    _ = try await engine.rank(query)
                    latencies.append((clock.now - start).seconds * 1000)
                }
                latencies.sort()
                lines.append("search \(retriever.rawValue.padding(7)) at \(chunks) chunks: p50 \(Self.format(Self.percentile(latencies, 0.5))) ms, p95 \(Self.format(Self.percentile(latencies, 0.95))) ms, p99 \(Self.format(Self.percentile(latencies, 0.99))) ms (\(options.queries) queries, uncached)")
            }
        }
        return lines
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled)"
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// Deterministic pseudo-English: words drawn from a Zipf-like distribution over a fixed vocabulary,
/// grouped in sentences, so the inverted index sees realistic posting-list lengths.
struct SyntheticText {
    private var state: UInt64
    private let vocabulary: [String]

    init(seed: UInt64, vocabularySize: Int = 30_000) {
        state = seed &+ 0x9e37_79b9_7f4a_7c15
        let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fi", "gu", "ha", "je", "xo"]
        vocabulary = (0..<vocabularySize).map { i in
            var n = i + 1, word = ""
            while n > 0 {
                word += syllables[n % syllables.count]
                n /= syllables.count
            }
            return word
        }
    }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 33)) &* 0xff51_afd7_ed55_8ccd
        return z ^ (z >> 33)
    }

    /// A word with probability roughly ∝ 1/rank.
    mutating func word() -> String {
        let u = Double(next() >> 11) / Double(1 << 53)
        let rank = Int(pow(Double(vocabulary.count), u)) - 1
        return vocabulary[max(0, min(vocabulary.count - 1, rank))]
    }

    mutating func paragraph(characters: Int) -> String {
        var text = ""
        while text.utf8.count < characters {
            let length = 6 + Int(next() % 12)
            text += (0..<length).map { _ in word() }.joined(separator: " ") + ". "
        }
        return text
    }

    mutating func query() -> String {
        (0..<(2 + Int(next() % 4))).map { _ in word() }.joined(separator: " ")
    }
}
