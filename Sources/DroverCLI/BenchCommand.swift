import ArgumentParser
import DroverBench
import DroverPosix
import DroverRedis
import FoundationEssentials
import Logging

/// `drover bench …`: benchmarks that print figures (tests never assert speed; these measure it).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Drover on this machine.",
        subcommands: [Queue.self, Supervisor.self, RAG.self]
    )

    /// `drover bench supervisor`: replacement, hang detection, scaling and idle cost of a real pool.
    struct Supervisor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a real `drover serve` with a private redis-server and time kill -9 recovery, hang detection, SIGTTIN and idle cost."
        )
        @Option(name: .long, help: "Workers (1...16).") var workers: Int = 2
        @Option(name: .long, help: "kill -9 rounds (1...200).") var kills: Int = 20
        @Option(name: .long, help: "Seconds to measure idle CPU (1...120).") var idleSeconds: Int = 10
        @Option(name: .long, help: "supervisor.spareWorkers for the run (0...16); 0 times cold starts.") var spares: Int = 1

        func validate() throws {
            guard (1...16).contains(workers) else { throw ValidationError("--workers must be 1...16") }
            guard (1...200).contains(kills) else { throw ValidationError("--kills must be 1...200") }
            guard (1...120).contains(idleSeconds) else { throw ValidationError("--idle-seconds must be 1...120") }
            guard (0...16).contains(spares) else { throw ValidationError("--spares must be 0...16") }
        }

        func run() async throws {
            var options = SupervisorBenchmark.Options(executablePath: try Posix.currentExecutablePath())
            options.workers = workers
            options.kills = kills
            options.idleSeconds = idleSeconds
            options.spares = spares
            print(try await SupervisorBenchmark(options: options).run().text)
        }
    }

    /// `drover bench queue`: enqueue, drain and latency with real worker processes.
    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run W real worker processes against Redis and print enqueue/drain rates and latency.",
            discussion: """
                Without --redis, a private redis-server (persistence off) is started on a temporary
                Unix socket and stopped afterwards. With --rate, jobs are paced for --duration seconds
                into running workers (latency under load); without it, --jobs are bulk-enqueued first
                and then drained. --kill-one-after-ms N (bulk, two or more workers) kill -9's the
                last worker N ms after every worker holds a lease, puts its leases back at once as
                the supervisor does, and reports each survivor's completions per second in equal
                windows (up to 1 s) before the kill and from 100 ms after it, the requeued leases,
                and the jobs that did not end completed.
                """
        )

        @Option(name: .long, help: "Redis URL; default: a private redis-server for this run.") var redis: String?
        @Option(name: .long, help: "Jobs for a bulk run (1...10000000).") var jobs: Int = 100_000
        @Option(name: .long, help: "Worker processes (1...64).") var workers: Int = 2
        @Option(name: .long, help: "Concurrency per worker (1...10000).") var concurrency: Int = 64
        @Option(name: .long, help: "Each job sleeps this long (0...60000 ms).") var sleepMs: Int = 0
        @Option(name: .long, help: "Paced run: jobs per second (1...1000000).") var rate: Int?
        @Option(name: .long, help: "Paced run: seconds (1...3600, default 10); needs --rate.") var duration: Int?
        @Option(name: .long, help: "Give jobs N user ids, routed to their workers' sticky queues (1...1000000); default: no user ids, shared queue.") var users: Int?
        @Option(name: .long, help: "Bulk run, 2+ workers: kill -9 one worker this long into the drain (1...3600000 ms).")
        var killOneAfterMs: Int?
        @Flag(name: .long, help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...10_000_000).contains(jobs) else { throw ValidationError("--jobs must be 1...10000000") }
            guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1...64") }
            guard (1...10_000).contains(concurrency) else { throw ValidationError("--concurrency must be 1...10000") }
            guard (0...60_000).contains(sleepMs) else { throw ValidationError("--sleep-ms must be 0...60000") }
            if let rate { guard (1...1_000_000).contains(rate) else { throw ValidationError("--rate must be 1...1000000") } }
            if let duration {
                guard rate != nil else { throw ValidationError("--duration paces a run: it needs --rate (a bulk run has no duration)") }
                guard (1...3_600).contains(duration) else { throw ValidationError("--duration must be 1...3600") }
            }
            if let users { guard (1...1_000_000).contains(users) else { throw ValidationError("--users must be 1...1000000") } }
            if let redis { _ = try parse(redis) }
            if let killOneAfterMs {
                guard (1...3_600_000).contains(killOneAfterMs) else { throw ValidationError("--kill-one-after-ms must be 1...3600000") }
                guard rate == nil else { throw ValidationError("--kill-one-after-ms needs a bulk run: drop --rate") }
                guard workers >= 2 else { throw ValidationError("--kill-one-after-ms needs --workers 2 or more") }
            }
        }

        func parse(_ text: String) throws -> RedisURL {
            do { return try RedisURL(parsing: text) } catch { throw ValidationError("--redis: \(error)") }
        }

        func run() async throws {
            LogSetup.bootstrap(level: .warning)
            var options = QueueBenchmark.Options(executablePath: try Posix.currentExecutablePath())
            options.redisURL = try redis.map(parse)
            options.jobs = jobs
            options.workers = workers
            options.concurrency = concurrency
            options.sleepMs = sleepMs
            options.rate = rate
            options.durationSeconds = duration ?? 10
            options.users = users
            options.killOneAfterMs = killOneAfterMs
            let report = try await QueueBenchmark(options: options, logger: Logger(label: "drover.bench")).run()
            print(json ? report.json.serialized() : report.text)
        }
    }
}
