import DroverPosix
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Testing

/// A `drover worker` process configured by one line per choice, against the stand-in server.
@Suite("RAG worker with openai models and an upstream", .serialized)
struct OpenAIWorkerProcessTests {
    /// Runs one job through the queue and returns its record once it finished or failed.
    func run(_ queue: RedisJobQueue, _ type: JobType, _ payload: JSONValue, timeoutMs: Int = 60_000) async throws -> JobRecord {
        let id = try await queue.enqueue([JobRequest(type: type, payload: payload, timeoutMs: timeoutMs, retries: 0)])[0].id
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let record = try await queue.job(id), record.status.isFinal || record.status == .failed { return record }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("\(type) job \(id) did not finish")
        return try #require(try await queue.job(id))
    }

    @Test("index and ask use the configured models; search goes to its upstream, and a repeat is answered from the cache")
    func configuredWorker() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let server = try await OpenAIStandInServer.start()
        let queue = RedisJobQueue(url: redis.url)
        let worker = try await startWorker(redis, [
            "DROVER_RAG_EMBEDDER=openai", "DROVER_RAG_GENERATOR=openai",
            "DROVER_RAG_OPENAI_BASE_URL=\(server.baseURL)",
            "DROVER_RAG_OPENAI_EMBEDDING_MODEL=counting", "DROVER_RAG_OPENAI_CHAT_MODEL=echo",
            "DROVER_RAG_UPSTREAM_SEARCH=\(server.url("/upstream/echo"))",
        ])
        defer { worker.stop() }

        let documents = JSONValue.array([
            .object(["id": .string("sed"), "text": .string("sed is a stream editor that filters and transforms text.")]),
            .object(["id": .string("curl"), "text": .string("curl transfers data to or from a server.")]),
        ])
        let indexed = try await run(queue, .index, .object(["documents": documents]))
        #expect(indexed.status == .completed, "\(indexed.error ?? "") \(worker.standardError())")
        #expect(indexed.result?["indexed"] == .int(2))
        let embedded = server.requests.filter { $0.path == "/v1/embeddings" }
        // The probe for the dimension count, then the chunks of both documents.
        #expect(embedded.count >= 2)
        #expect(embedded.last?.body?["model"] == .string("counting"))

        let ask = try await run(queue, .ask, .object(["query": .string("which tool is a stream editor")]))
        #expect(ask.status == .completed, "\(ask.error ?? "")")
        #expect(ask.result?["answer"] == .string("You asked: which tool is a stream editor [1]"))
        #expect(ask.result?["partial"] == .bool(false))
        #expect(ask.result?["citations"]?.arrayValue?.count == 1)

        let payload = JSONValue.object(["query": .string("forwarded?")])
        let search = try await run(queue, .search, payload)
        #expect(search.status == .completed, "\(search.error ?? "")")
        #expect(search.result?["echo"] == payload)
        #expect(search.result?["jobId"] == .string(search.id.rawValue))
        // The same search again is the worker's cached answer: the first job's, and no second call
        // upstream. `"cache": true` is not part of the cache key, but keeps the queue's dedup from
        // folding this job into the first.
        let again = try await run(queue, .search, .object(["query": .string("forwarded?"), "cache": .bool(true)]))
        #expect(again.id != search.id)
        #expect(again.status == .completed && again.result == search.result)
        #expect(server.requests.filter { $0.path == "/upstream/echo" }.count == 1)

        await queue.close()
        await server.stop()
    }

    @Test("upstream answers served from the cache count in drover status, per tier, like the built-in pipeline's")
    func upstreamHitsInStatus() async throws {
        let server = try await OpenAIStandInServer.start()
        try await withServe(workers: 1, environment: ["DROVER_RAG_UPSTREAM_SEARCH": server.url("/upstream/echo")]) { serve in
            try await serve.waitForReady(1)
            // `"cache": true` is not part of the cache key; it keeps the queue's dedup from folding the jobs into one.
            let first = try await run(serve.queue, .search, .object(["query": .string("counted?")]))
            let second = try await run(serve.queue, .search, .object(["query": .string("counted?"), "cache": .bool(true)]))
            #expect(first.status == .completed && second.result == first.result)
            #expect(server.requests.filter { $0.path == "/upstream/echo" }.count == 1)
            try await ServeFixture.waitUntil(timeout: .seconds(30), "an L1 hit and an L2 miss in drover status") {
                let status = try JSONValue(parsing: try await serve.drover(["status", "--json"]).out)
                let caches = (status["workers"]?.arrayValue ?? []).compactMap { $0["cache"] }
                return caches.contains { ($0["l1Hits"]?.intValue ?? 0) >= 1 && ($0["l2Misses"]?.intValue ?? 0) >= 1 }
            }
        }
        await server.stop()
    }

    @Test("an ask whose model outlasts the job's timeout completes with the partial answer")
    func partialAnswerAtTimeout() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let server = try await OpenAIStandInServer.start()
        let queue = RedisJobQueue(url: redis.url)
        let worker = try await startWorker(redis, [
            "DROVER_RAG_GENERATOR=openai", "DROVER_RAG_OPENAI_BASE_URL=\(server.baseURL)", "DROVER_RAG_OPENAI_CHAT_MODEL=slow",
        ])
        defer { worker.stop() }
        let documents = JSONValue.array([.object(["id": .string("sed"), "text": .string("sed is a stream editor.")])])
        #expect(try await run(queue, .index, .object(["documents": documents])).status == .completed)
        // The stand-in's slow model would stream for a minute; the job has four seconds.
        let ask = try await run(queue, .ask, .object(["query": .string("what is sed")]), timeoutMs: 4_000)
        #expect(ask.status == .completed, "\(ask.error ?? "") \(worker.standardError())")
        #expect(ask.result?["partial"] == .bool(true))
        #expect(ask.result?["answer"]?.stringValue?.hasPrefix("word ") == true)
        await queue.close()
        await server.stop()
    }

    @Test("a worker whose embedding model cannot be reached at start exits to be respawned with backoff; one it refuses halts")
    func bootFailures() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let server = try await OpenAIStandInServer.start()
        let refused = try await startWorker(redis, [
            "DROVER_RAG_EMBEDDER=openai", "DROVER_RAG_OPENAI_BASE_URL=\(server.baseURL)", "DROVER_RAG_OPENAI_EMBEDDING_MODEL=refused",
        ])
        defer { refused.stop() }
        #expect(try await refused.wait(timeout: .seconds(60)) == .exited(code: 4))
        #expect(refused.standardError().contains("input too long") || refused.standardOutput().contains("input too long"))
        await server.stop()
        let unreachable = try await startWorker(redis, [
            "DROVER_RAG_EMBEDDER=openai", "DROVER_RAG_OPENAI_BASE_URL=\(server.baseURL)", "DROVER_RAG_OPENAI_RETRIES=0",
        ])
        defer { unreachable.stop() }
        #expect(try await unreachable.wait(timeout: .seconds(60)) == .exited(code: 3))
    }

    /// A worker on the RAG queues, configured by `DROVER_RAG_…` variables on top of this process's environment.
    func startWorker(_ redis: RedisServer, _ settings: [String]) async throws -> ChildProcess {
        try await ChildProcess.run(try DroverExecutable.path, [
            "worker", "--redis", redis.urlString, "--worker-id", "openai-0", "--queues", "rag:index,rag:search,rag:ask",
        ], environment: Posix.currentEnvironment() + settings)
    }
}
