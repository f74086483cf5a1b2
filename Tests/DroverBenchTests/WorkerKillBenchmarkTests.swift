import DroverBench
import DroverTestSupport
import Logging
import Testing

@Suite("drover bench queue --kill-one-after-ms, with real workers on a real Redis")
struct WorkerKillBenchmarkTests {
    /// The jobs sleep, so the drain cannot end before the kill however fast the machine is:
    /// 3 workers × 2 slots × 10 ms is at most 600 jobs/s, so 4000 jobs take 6.6 s or more: far
    /// longer than a loaded machine may delay the 300 ms pause before the kill.
    @Test("killing one worker mid-drain loses no job and reports each survivor before and after")
    func killingOneWorkerLosesNothingAndReportsTheSurvivors() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        var options = QueueBenchmark.Options(executablePath: try DroverExecutable.path)
        options.redisURL = redis.url
        options.jobs = 4_000
        options.workers = 3
        options.concurrency = 2
        options.sleepMs = 10
        options.killOneAfterMs = 300
        let report = try await QueueBenchmark(options: options, logger: Logger(label: "test")).run()

        #expect(report.jobs == 4_000)
        #expect(report.unfinished == 0)
        let kill = try #require(report.kill)
        #expect(kill.victim == "bench-2")
        #expect(kill.lost == 0, "every enqueued job ends completed")
        #expect(kill.killedAfterMicros >= 250_000)
        #expect(kill.windowMicros >= WorkerKillReport.minimumWindowMicros)
        #expect(kill.survivors.map(\.workerID) == ["bench-0", "bench-1"])
        let seconds = Double(kill.windowMicros) / 1e6
        for survivor in kill.survivors {
            #expect(survivor.before >= 0 && survivor.after >= 0)
            // A rate is a count of that worker's completions in the window: no more than were enqueued.
            #expect(survivor.before * seconds <= 4_000.5 && survivor.after * seconds <= 4_000.5)
        }
        #expect(report.json["kill"]?["survivors"]?.arrayValue?.count == 2)
        #expect(report.text.contains("bench-0:") && report.text.contains("\(kill.requeued) leases requeued"))
        #expect(report.text.contains("lost jobs: 0"))
    }
}
