import DroverPosix
import DroverQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve keeps a spare worker booted for replacements", .serialized)
struct SpareWorkerTests {
    /// The pids named in "spare ready" lines, in order.
    static func sparePIDs(_ serve: ServeFixture) -> [Int32] {
        serve.lines("spare ready").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst("pid=".count)) }
        }
    }

    @Test func aKilledWorkersSlotIsTakenByTheRunningSpareAndItsJobsComplete() async throws {
        try await withServe(workers: 2) { serve in
            try await serve.waitForReady(2)
            try await eventually("a spare in standby") { !Self.sparePIDs(serve).isEmpty }
            let spare = Self.sparePIDs(serve)[0]
            // The spare reserves nothing while it waits.
            let ids = try await serve.queue.enqueue(noopJobs(6, sleepMs: 1_000)).map(\.id)
            try await eventually(timeout: .seconds(60), "jobs started") { try await serve.queue.job(ids[0])?.workerID != nil }
            for id in ids {
                if let worker = try await serve.queue.job(id)?.workerID { #expect(!worker.hasPrefix("spare")) }
            }
            let victim = serve.readyPIDs()[0]
            try Posix.kill(victim, .sigkill)
            // The spare's own pid reports ready in the slot: no process was started for it.
            try await eventually("the spare took the slot") { serve.readyPIDs().contains(spare) }
            #expect(serve.log.components(separatedBy: "msg=\"spare takes slot").count - 1 == 1)
            try await eventually("a new spare") { Self.sparePIDs(serve).count >= 2 }
            #expect(Self.sparePIDs(serve)[1] != spare)
            try await eventually(timeout: .seconds(60), "every job completed") { try await allCompleted(serve.queue, ids) }
        }
    }

    @Test func sigttinPutsTheSpareToWorkAtOnce() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            try await eventually("a spare in standby") { !Self.sparePIDs(serve).isEmpty }
            let spare = Self.sparePIDs(serve)[0]
            try serve.process.kill(.sigttin)
            try await eventually("the spare serves the new slot") { serve.readyPIDs().contains(spare) }
            let id = try await serve.queue.enqueue(noopJobs(1, sleepMs: 0))[0].id
            try await eventually("job completed") { try await allCompleted(serve.queue, [id]) }
        }
    }

    @Test func withSparesOffNoSpareIsStarted() async throws {
        try await withServe(workers: 1, environment: ["DROVER_SUPERVISOR_SPARE_WORKERS": "0"]) { serve in
            try await serve.waitForReady(1)
            let victim = serve.readyPIDs()[0]
            try Posix.kill(victim, .sigkill)
            try await serve.waitForReady(2)
            #expect(Self.sparePIDs(serve).isEmpty)
            #expect(serve.lines("worker spawned").count == 2)
        }
    }
}
