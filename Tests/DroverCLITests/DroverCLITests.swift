import DroverPosix
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

/// Runs the real `drover` binary and returns its exit code, stdout and stderr.
func drover(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
    let child = try await ChildProcess.run(try DroverExecutable.path, arguments)
    let exit = try await child.wait(timeout: .seconds(60))
    let code: Int32
    switch exit {
    case .exited(let c): code = c
    case .signaled(let signal, _): code = 128 + signal.rawValue
    }
    return (code, child.standardOutput(), child.standardError())
}

@Suite("The drover command line, run as a real process")
struct DroverCLITests {
    @Test func enqueuePrintsTheJobIdAndJobPrintsTheRecord() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let enqueued = try await drover(["enqueue", "noop", "--redis", redis.urlString, "--payload", #"{"sleepMs": 1, "tag": "x"}"#, "--priority", "high"])
        #expect(enqueued.code == 0, "\(enqueued.err)")
        let receipt = try JSONValue(parsing: enqueued.out.trimmingCharacters(in: .whitespacesAndNewlines))
        let id = try #require(receipt["jobId"]?.stringValue)
        #expect(receipt["duplicate"] == .bool(false))
        let shown = try await drover(["job", id, "--redis", redis.urlString])
        #expect(shown.code == 0, "\(shown.err)")
        let record = try JSONValue(parsing: shown.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(record["jobId"] == .string(id))
        #expect(record["status"] == .string("waiting"))
        #expect(record["priority"] == .string("high"))
        #expect(record["payload"]?["tag"] == .string("x"))
    }

    @Test func aUsersJobWithNoSupervisorToRouteItGoesToTheSharedQueueWithANote() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let child = try await ChildProcess.run(
            try DroverExecutable.path, ["enqueue", "noop", "--redis", redis.urlString, "--user", "u1"],
            environment: ["DROVER_SUPERVISOR_RUNTIME_DIRECTORY=/nonexistent/run"])
        _ = try await child.wait(timeout: .seconds(60))
        #expect(child.standardError().contains("jobs go to the shared queue"), "\(child.standardError())")
        let receipt = try JSONValue(parsing: child.standardOutput().trimmingCharacters(in: .whitespacesAndNewlines))
        let id = try #require(receipt["jobId"]?.stringValue.flatMap(JobID.init))
        // Any worker takes it: it is in the shared queue, not a sticky one.
        let queue = RedisJobQueue(url: redis.url)
        let reserved = try await queue.reserve(from: [.noop], workerID: "anyone", limit: 1)
        #expect(reserved.map(\.lease.jobID) == [id])
        await queue.close()
    }

    @Test func enqueueWithWaitReturnsTheFinishedJobOnceAWorkerRanIt() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let worker = try await ChildProcess.run(try DroverExecutable.path, ["worker", "--redis", redis.urlString])
        defer { worker.stop() }
        let result = try await drover(["enqueue", "noop", "--redis", redis.urlString, "--query", "hello", "--wait"])
        #expect(result.code == 0, "\(result.err)")
        let record = try JSONValue(parsing: result.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(record["status"] == .string("completed"))
        #expect(record["result"]?["query"] == .string("hello"))
    }

    @Test func enqueueFileAcceptsEveryLineAndReportsTheRate() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lines = (0..<250).map { #"{"type": "noop", "sleepMs": 0, "i": \#($0), "userId": "u\#($0 % 7)", "priority": "low"}"# }
        try (lines.joined(separator: "\n") + "\n\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await drover(["enqueue", "--redis", redis.urlString, "--file", file])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("enqueued 250 jobs (0 duplicates)"))
        let queue = RedisJobQueue(url: redis.url)
        #expect(try await queue.counts(of: .noop).waiting == 250)
        await queue.close()
    }

    @Test func badLineInAFileEnqueuesNothingAndNamesTheLine() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "{\"type\": \"noop\"}\n{\"type\": \"noop\", \"priority\": \"urgent\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await drover(["enqueue", "--redis", redis.urlString, "--file", file])
        #expect(result.code != 0)
        #expect(result.err.contains(":2: priority must be"))
        let queue = RedisJobQueue(url: redis.url)
        #expect(try await queue.counts(of: .noop).waiting == 0)
        await queue.close()
    }

    @Test func deadLetterQueueCanBeListedRetriedAndPurged() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        defer { Task { await queue.close() } }
        let id = try await queue.enqueue([JobRequest(type: .noop, payload: .object(["n": .int(1)]), retries: 0)])[0].id
        let reserved = try await queue.reserve(from: [.noop], workerID: "w", limit: 1)
        let lease = try #require(reserved.first?.lease)
        _ = try await queue.finish([JobOutcome(lease: lease, kind: .failed(error: "boom", retryable: true), durationMicros: 1)])
        let listed = try await drover(["dlq", "list", "--redis", redis.urlString])
        #expect(listed.code == 0, "\(listed.err)")
        #expect(listed.out.contains(id.rawValue) && listed.out.contains("boom"))
        let retried = try await drover(["dlq", "retry", id.rawValue, "--redis", redis.urlString])
        #expect(retried.code == 0, "\(retried.err)")
        #expect(try await queue.job(id)?.status == .waiting)
        let again = try await drover(["dlq", "retry", id.rawValue, "--redis", redis.urlString])
        #expect(again.code == 1)
        #expect(again.err.contains("not in the dead-letter queue"))
        let refused = try await drover(["dlq", "purge", "--redis", redis.urlString])
        #expect(refused.code != 0)
        #expect(refused.err.contains("--yes"))
    }

    /// Each bad invocation exits non-zero with a message that names what is wrong.
    @Test(arguments: [
        (["enqueue"], "missing job type"),
        (["enqueue", "fly"], "unknown job type"),
        (["enqueue", "noop", "--payload", "{oops"], "--payload is not valid JSON"),
        (["enqueue", "noop", "--payload", "[1]"], "--payload must be a JSON object"),
        (["enqueue", "noop", "--priority", "urgent"], "priority must be"),
        (["enqueue", "noop", "--payload", #"{"timeout": 0}"#], "timeout must be"),
        (["enqueue", "noop", "--redis", "http://x"], "redis.url: must be redis://"),
        (["enqueue", "noop", "--payload", #"{"webhook": "http://127.0.0.1:9/done"}"#], "refused unless listed in http.webhooks.allowHosts"),
        (["enqueue", "noop", "--payload", #"{"webhook": "https://hooks.example.com/done"}"#], "webhook: "),
        (["enqueue", "--file", "/nonexistent/jobs.ndjson"], "cannot read"),
        (["job", "not-an-id"], "is not a job id"),
        (["dlq", "list", "--type", "nope"], "unknown type"),
        (["dlq", "list", "--limit", "0"], "--limit must be"),
        (["dlq", "retry"], "name the dead jobs to retry, or pass --all"),
        (["dlq", "retry", "--type", "noop"], "--all to retry every one of --type"),
        (["dlq", "retry", "--all", "noop-0000000000000000000000000000"], "not both"),
        (["enqueue", "noop", "--payload", #"{"sleepMs": -5}"#], "sleepMs must be an integer 0...600000"),
        (["bench", "queue", "--jobs", "10", "--duration", "5"], "--duration paces a run: it needs --rate"),
        (["worker", "--concurrency", "0"], "--concurrency must be"),
        (["worker", "--queues", "rag:nope"], "unknown queue"),
        (["bench", "queue", "--workers", "0"], "--workers must be"),
        (["bench", "queue", "--users", "0"], "--users must be"),
        (["bench", "supervisor", "--kills", "0"], "--kills must be"),
        (["bench", "queue", "--workers", "1", "--kill-one-after-ms", "500"], "needs --workers 2 or more"),
        (["bench", "queue", "--workers", "3", "--rate", "100", "--kill-one-after-ms", "500"], "needs a bulk run"),
        (["bench", "queue", "--workers", "3", "--kill-one-after-ms", "0"], "--kill-one-after-ms must be"),
        (["scale", "0", "--socket", "/nonexistent/admin.sock"], "workers must be 1...1024"),
        (["drain", "w 1", "--socket", "/nonexistent/admin.sock"], "worker must be an id"),
        (["worker", "--retention-count", "0"], "--retention-count must be"),
        (["serve", "--workers", "many"], "supervisor.workers"),
        (["frobnicate"], "Unexpected argument"),
    ])
    func badInvocationFailsWithAClearMessage(_ arguments: [String], _ message: String) async throws {
        let result = try await drover(arguments)
        #expect(result.code != 0)
        #expect(result.err.contains(message), "stderr was: \(result.err)")
    }

    @Test func unreachableRedisIsAClearErrorNotACrash() async throws {
        let result = try await drover(["job", "noop-0000000000000000000000000000", "--redis", "unix:///nonexistent/redis.sock"])
        #expect(result.code != 0)
        #expect(result.err.contains("redis"))
        #expect(result.code < 128, "drover died of a signal: \(result.err)")
    }
}
