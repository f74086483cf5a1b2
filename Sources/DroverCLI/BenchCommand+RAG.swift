import ArgumentParser
import DroverRAGBench

extension BenchCommand {
    /// `drover bench rag`: the RAG pipeline in-process: index throughput, search latency, cache hit rates, retrieval quality.
    struct RAG: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rag",
            abstract: "Time indexing and search at 10k/100k chunks, cache hit rates, and (with --eval) recall.",
            discussion: """
                Runs the pipeline in this process over synthetic text, without Redis. With --eval DIR (made by
                scripts/build-eval-set), prints recall@10/MRR/nDCG@10 of BM25 alone, the hashing embedder alone and
                the hybrid retriever, tuned on the set's tuning half and reported on both halves.
                """
        )
        @Option(name: .long, help: "Comma-separated index sizes in chunks (1000...1000000).") var chunks: String = "10000,100000"
        @Option(name: .long, help: "Queries timed per size (10...100000).") var queries: Int = 500
        @Option(name: .long, help: "A labelled set directory from scripts/build-eval-set.") var eval: String?
        @Flag(name: .long, help: "Skip the speed part.") var noSpeed = false
        @Flag(name: .long, help: "Skip the cache part.") var noCache = false

        func parsedChunks() throws -> [Int] {
            let sizes = chunks.split(separator: ",").compactMap { Int($0) }
            guard !sizes.isEmpty, sizes.allSatisfy({ (1_000...1_000_000).contains($0) }) else {
                throw ValidationError("--chunks must list sizes 1000...1000000, e.g. 10000,100000")
            }
            return sizes
        }

        func validate() throws {
            _ = try parsedChunks()
            guard (10...100_000).contains(queries) else { throw ValidationError("--queries must be 10...100000") }
        }

        func run() async throws {
            var options = RAGBenchmark.Options()
            options.chunkCounts = try parsedChunks()
            options.queries = queries
            let benchmark = RAGBenchmark(options: options)
            if let eval {
                for line in try await benchmark.runQuality(directory: eval) { print(line) }
            }
            if !noCache {
                for line in try await benchmark.runCache() { print(line) }
            }
            if !noSpeed {
                for line in try await benchmark.runSpeed() { print(line) }
            }
        }
    }
}
