import DroverPosix
import DroverQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve --mode single: the HTTP API and in-process jobs, no Redis", .serialized)
struct SingleModeTests {
    /// `drover serve --mode single` on a free port, with a Redis URL nothing listens on and no PATH,
    /// so it must not even try Redis or a redis-server; returns once `/readyz` answers 200.
    static func startSingleMode() async throws -> (ChildProcess, LiveAPI) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DROVER_") && $0.key != "NOTIFY_SOCKET" }
        environment["DROVER_REDIS_URL"] = "redis://127.0.0.1:1"
        environment["PATH"] = "/nonexistent"
        let process = try await ChildProcess.run(
            try DroverExecutable.path, ["serve", "--mode", "single", "--listen", "127.0.0.1:0"],
            environment: environment.map { "\($0.key)=\($0.value)" })
        do {
            let api = LiveAPI(port: try await ServeFixture.httpPort(of: process))
            try await api.waitUntilReady()
            return (process, api)
        } catch {
            process.stop()
            throw error
        }
    }

    @Test("sync and async noop jobs complete with no redis-server anywhere, and SIGTERM exits 0")
    func singleModeEndToEnd() async throws {
        let (process, api) = try await Self.startSingleMode()
        defer { process.stop() }

        let sync = try await api.send("POST", "/api/rag/noop?mode=sync", body: #"{"sleepMs": 2, "tag": "one"}"#)
        #expect(sync.status == 200, "\(sync.bodyText)")
        #expect(sync.json?["result"]?["tag"]?.stringValue == "one")

        let async = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 50, "tag": "two"}"#)
        #expect(async.status == 202)
        let id = try #require(async.json?["jobId"]?.stringValue)
        let record = try await api.waitForFinal(id)
        #expect(record["status"]?.stringValue == "completed" && record["result"]?["tag"]?.stringValue == "two")

        let status = try await api.send("GET", "/api/rag/queue/status")
        #expect(status.json?["mode"]?.stringValue == "single")
        #expect(status.json?["workers"]?.arrayValue?.first?["completedJobs"]?.intValue ?? 0 >= 2)
        #expect(try await api.send("GET", "/api/rag/nope").status == 404)

        try process.kill(.sigterm)
        #expect(try await process.wait(timeout: .seconds(30)) == .exited(code: 0))
    }

    @Test("the RAG pipeline runs in single mode: index, then search and ask find the document, and its state is served")
    func singleModeRAG() async throws {
        let (process, api) = try await Self.startSingleMode()
        defer { process.stop() }

        let documents = #"""
            {"documents": [
              {"id": "curl", "text": "curl transfers data from or to a server using URLs. It supports HTTP, FTP and many more protocols.", "source": "manual"},
              {"id": "redis", "text": "Redis is an in-memory data store used as a database, cache and message broker."}
            ]}
            """#
        // A batch with a bad document is refused whole at the door, before any job exists.
        let refused = try await api.send("POST", "/api/rag/index?mode=sync", body: #"{"documents": [{"id": "", "text": "no id"}]}"#)
        #expect(refused.status == 400 && refused.errorCode == "invalid_request", "\(refused.bodyText)")
        let indexed = try await api.send("POST", "/api/rag/index?mode=sync&timeoutMs=60000", body: documents)
        #expect(indexed.status == 200, "\(indexed.bodyText)")
        #expect(indexed.json?["status"]?.stringValue == "completed")
        #expect(indexed.json?["result"]?["indexed"]?.intValue == 2)
        #expect(indexed.json?["result"]?["failed"]?.arrayValue?.isEmpty == true)

        let search = try await api.send("POST", "/api/rag/search?mode=sync&timeoutMs=60000", body: #"{"query": "in-memory data store cache"}"#)
        #expect(search.status == 200, "\(search.bodyText)")
        #expect(search.json?["result"]?["hits"]?.arrayValue?.first?["documentId"]?.stringValue == "redis")

        let ask = try await api.send("POST", "/api/rag/ask?mode=sync&timeoutMs=60000", body: #"{"query": "which protocols does curl support?"}"#)
        #expect(ask.status == 200, "\(ask.bodyText)")
        #expect(ask.json?["result"]?["answer"]?.stringValue?.isEmpty == false)
        #expect(ask.json?["result"]?["citations"]?.arrayValue?.contains { $0["documentId"]?.stringValue == "curl" } == true)

        let state = try await api.send("GET", "/api/rag/documents/curl")
        #expect(state.status == 200, "\(state.bodyText)")
        #expect(state.json?["state"]?.stringValue == "indexed" && state.json?["source"]?.stringValue == "manual")
        #expect(try await api.send("GET", "/api/rag/documents/nobody").status == 404)
        #expect(try await api.send("GET", "/api/rag/documents/bad%00id").status == 400)

        // A bad RAG job is refused at the door and the server goes on.
        let bad = try await api.send("POST", "/api/rag/search?mode=sync", body: #"{"query": 42}"#)
        #expect(bad.status == 400 && bad.errorCode == "invalid_request", "\(bad.bodyText)")
        #expect(try await api.send("GET", "/healthz").status == 200)

        try process.kill(.sigterm)
        #expect(try await process.wait(timeout: .seconds(30)) == .exited(code: 0))
    }
}
