import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Testing

/// `drover worker` processes running the RAG handlers, fed through the real Redis queue.
@Suite("RAG jobs through the queue and worker processes", .serialized)
struct RAGWorkerProcessTests {
    static let manual: [(String, String)] = [
        ("grep", "grep searches files for lines that match a pattern and prints them."),
        ("sed", "sed is a stream editor that filters and transforms text line by line."),
        ("curl", "curl transfers data to or from a server using URLs and many protocols."),
    ]

    @Test("index → search → ask end to end, on two worker processes")
    func indexSearchAsk() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        defer { Task { await queue.close() } }
        var workers: [ChildProcess] = []
        defer { workers.forEach { $0.stop() } }
        for n in 0..<2 {
            workers.append(try await ChildProcess.run(try DroverExecutable.path, [
                "worker", "--redis", redis.urlString, "--worker-id", "rag-\(n)", "--concurrency", "2",
                "--queues", "rag:index,rag:search,rag:ask,rag:batch,rag:evaluate",
            ]))
        }
        let indexed = try await runJob(queue, .index, .object(["documents": documentsPayload(Self.manual)]))
        #expect(indexed.status == .completed, "\(indexed.error ?? "")")
        #expect(indexed.result == .object(["indexed": .int(3), "skipped": .int(0), "failed": .array([])]))
        #expect(indexed.progress?["step"] == .string("store"))

        let search = try await runJob(queue, .search, .object(["query": .string("transfer data from a server"), "userId": .string("u1")]))
        #expect(search.status == .completed, "\(search.error ?? "")")
        let hit = try #require(search.result?["hits"]?.arrayValue?.first)
        #expect(hit["documentId"] == .string("curl"))
        #expect(hit["chunkId"] == .string("curl#0"))
        #expect(hit["score"]?.doubleValue != nil)
        #expect(hit["text"]?.stringValue?.hasPrefix("curl transfers") == true)

        let ask = try await runJob(queue, .ask, .object(["query": .string("Which tool edits a stream of text?")]))
        #expect(ask.status == .completed, "\(ask.error ?? "")")
        #expect(ask.result?["citations"]?.arrayValue?.first == .object(["documentId": .string("sed"), "chunkId": .string("sed#0")]))
        #expect(ask.result?["partial"] == .bool(false))

        let batch = try await runJob(queue, .batch, .object(["queries": .array([.string("match a pattern"), .string("stream editor")])]))
        #expect(batch.result?["results"]?.arrayValue?.map { $0["hits"]?.arrayValue?.first?["documentId"] } == [.string("grep"), .string("sed")])

        let evaluate = try await runJob(queue, .evaluate, .object(["queries": .array([
            .object(["query": .string("search files for lines"), "relevantIds": .array([.string("grep")])]),
        ])]))
        #expect(evaluate.result?["recallAtK"] == .double(1))
        #expect(evaluate.result?["k"] == .int(10))

        // Update one document; every later search, whichever worker takes it, sees the new text
        // (both workers have the old result cached by now). `n` only defeats the queue's 5-second
        // dedup of equal payloads; the pipeline ignores it, so the cache key is the same for all.
        for n in 0..<4 { _ = try await runJob(queue, .search, .object(["query": .string("transfer data from a server"), "n": .int(n)])) }
        let update = try await runJob(queue, .index, .object(["documents": documentsPayload([("curl", "curl now fetches data from a server over QUIC only.")])]))
        #expect(update.result?["indexed"] == .int(1))
        for n in 4..<8 {
            let fresh = try await runJob(queue, .search, .object(["query": .string("transfer data from a server"), "n": .int(n)]))
            let texts = (fresh.result?["hits"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
            #expect(texts.contains("curl now fetches data from a server over QUIC only."))
            #expect(!texts.contains { $0.hasPrefix("curl transfers") })
        }

        // Bad input fails the job at once, without retry, with the field named.
        let bad = try await runJob(queue, .search, .object(["query": .int(3)]))
        #expect(bad.status == .dead)
        #expect(bad.error?.contains("query must be a non-empty string") == true)
    }
}
