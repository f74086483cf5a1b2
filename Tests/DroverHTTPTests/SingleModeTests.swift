import DroverPosix
import DroverQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve --mode single: the HTTP API and in-process jobs, no Redis", .serialized)
struct SingleModeTests {
    @Test("sync and async noop jobs complete with no redis-server anywhere, and SIGTERM exits 0")
    func singleModeEndToEnd() async throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DROVER_") && $0.key != "NOTIFY_SOCKET" }
        // A Redis URL that nothing listens on: single mode must not even try it.
        environment["DROVER_REDIS_URL"] = "redis://127.0.0.1:1"
        environment["PATH"] = "/nonexistent"
        let process = try await ChildProcess.run(
            try DroverExecutable.path, ["serve", "--mode", "single", "--listen", "127.0.0.1:0"],
            environment: environment.map { "\($0.key)=\($0.value)" })
        defer { process.stop() }
        let api = LiveAPI(port: try await ServeFixture.httpPort(of: process))
        try await api.waitUntilReady()

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
}
