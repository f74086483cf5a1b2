import DroverPosix
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("drover serve grows and shrinks its pool on queue depth", .serialized)
struct AutoscaleProcessTests {
    static let environment = [
        "DROVER_AUTOSCALE_ENABLED": "true",
        "DROVER_SUPERVISOR_MIN_WORKERS": "1",
        "DROVER_SUPERVISOR_MAX_WORKERS": "4",
        "DROVER_AUTOSCALE_SCALE_UP_DEPTH_PER_WORKER": "20",
        "DROVER_AUTOSCALE_IDLE_BEFORE_SCALE_DOWN_S": "2",
        "DROVER_AUTOSCALE_COOLDOWN_S": "1",
        "DROVER_AUTOSCALE_SAMPLE_INTERVAL_MS": "1000",
    ]

    @Test func aBacklogGrowsThePoolToMaxWorkersAndIdleShrinksItByDrainWithNoJobLost() async throws {
        try await withServe(workers: 1, environment: Self.environment) { serve in
            try await serve.waitForReady(1)
            let started = ContinuousClock.now
            let ids = try await serve.queue.enqueue(noopJobs(5_000, sleepMs: 20)).map(\.id)
            #expect(Set(ids).count == 5_000)
            try await serve.waitForReady(4, timeout: .seconds(60))
            let toMax = ContinuousClock.now - started
            print("autoscale: 5,000-job backlog to 4 ready workers (maxWorkers) in \(toMax) (shared, noisy machine)")
            #expect(serve.log.contains("autoscale: up to 4 workers"))
            try await eventually(timeout: .seconds(120), "all 5,000 jobs completed") {
                try await serve.queue.counts(of: .noop).completed == 5_000
            }
            // Idle: one drain at a time down to minWorkers, every worker leaving by drain.
            try await eventually(timeout: .seconds(60), "three workers drained") {
                serve.lines("worker drained and exited").count >= 3
            }
            #expect(serve.log.contains("autoscale: down to 1 workers by drain"))
            let counts = try await serve.queue.counts(of: .noop)
            #expect(counts.completed == 5_000)
            #expect(counts.waiting == 0 && counts.active == 0 && counts.failed == 0 && counts.dead == 0)
            // No job was killed: no worker ended other than by drain, and no attempt was repeated.
            #expect(!serve.log.contains("msg=\"worker exited ("))
            #expect(!serve.log.contains("leases put back"))
            for id in ids.shuffled().prefix(200) {
                #expect(try await serve.queue.job(id)?.attempts == 1)
            }
            // Stays at minWorkers: no further drains once at one worker.
            try await Task.sleep(for: .seconds(4))
            #expect(serve.lines("worker drained and exited").count == 3)
        }
    }
}
