import DroverPosix
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve takes a crashing worker slot out of routing, then back", .serialized)
struct BreakerProcessTests {
    static let environment = [
        "DROVER_ROUTING_BREAKER_FAILURES": "3",
        "DROVER_ROUTING_BREAKER_WINDOW_S": "60",
        "DROVER_ROUTING_BREAKER_OPEN_S": "25",
        "DROVER_SUPERVISOR_RESTART_BACKOFF_BASE_MS": "100",
    ]

    /// The (worker id, pid) of the newest ready worker of `slot`, and how many have been ready there.
    func current(_ slot: String, _ serve: ServeFixture) -> (id: String, pid: Int32, readies: Int)? {
        let lines = serve.lines("worker ready").filter { $0.contains("slot=\(slot) ") || $0.hasSuffix("slot=\(slot)") }
        guard let last = lines.last else { return nil }
        func field(_ name: String) -> String? {
            last.split(separator: " ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        guard let id = field("worker"), let pid = field("pid").flatMap({ Int32($0) }) else { return nil }
        return (id, pid, lines.count)
    }

    /// The `breaker` field of the worker `id` in `drover status --json`.
    func breaker(of id: String, _ serve: ServeFixture) async throws -> String? {
        let text = try await serve.drover(["status", "--json"]).out
        let status = try JSONValue(parsing: Array(text.utf8))
        let workers = status["workers"]?.arrayValue ?? []
        return workers.first { $0["id"]?.stringValue == id }?["breaker"]?.stringValue
    }

    @Test func threeCrashesTripTheBreakerRoutingAvoidsTheSlotAndACompletedJobClosesIt() async throws {
        try await withServe(workers: 2, environment: Self.environment) { serve in
            try await serve.waitForReady(2)
            for crash in 1...3 {
                let worker = try #require(current("w1", serve))
                try Posix.kill(worker.pid, .sigkill)
                try await eventually(timeout: .seconds(60), "w1 back after crash \(crash)") {
                    (current("w1", serve)?.readies ?? 0) > worker.readies
                }
            }
            #expect(serve.log.contains("circuit breaker open for w1"))
            let tripped = try #require(current("w1", serve)).id
            let healthy = try #require(current("w2", serve)).id
            #expect(try await breaker(of: tripped, serve) == "open")
            #expect(try await breaker(of: healthy, serve) == "closed")

            // While open, every user's jobs go to w2.
            let users = (0..<40).map { #"{"type": "noop", "userId": "user-\#($0)"}"# }.joined(separator: "\n") + "\n"
            let file = serve.directory + "/users.ndjson"
            try users.write(toFile: file, atomically: true, encoding: .utf8)
            let enqueued = try await serve.drover(["enqueue", "--file", file])
            #expect(enqueued.code == 0, "\(enqueued.err)")
            #expect(try await breaker(of: tripped, serve) == "open", "the enqueue must have run while the breaker was open")
            try await eventually(timeout: .seconds(60), "40 jobs completed") { try await serve.queue.counts(of: .noop).completed == 40 }
            #expect(try await serve.completedRecords().allSatisfy { $0.workerID == healthy })

            // Half-open after openS, then closed by the first job the slot completes.
            try await eventually(timeout: .seconds(60), "half-open") { serve.log.contains("circuit breaker half-open for w1") }
            let more = try await serve.queue.enqueue(noopJobs(30, sleepMs: 20)).map(\.id)
            try await eventually(timeout: .seconds(60), "closed") { serve.log.contains("circuit breaker closed for w1") }
            #expect(try await breaker(of: tripped, serve) == "closed")
            try await eventually(timeout: .seconds(60), "all completed") { try await allCompleted(serve.queue, more) }
        }
    }
}
