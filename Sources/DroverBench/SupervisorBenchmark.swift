import DroverControl
import DroverControlSocket
import DroverEmbeddedRedis
import DroverPosix
import DroverQueue
import Glibc

/// `drover bench supervisor`: a real `drover serve` with real workers, timed from outside.
///
/// Every figure is taken the way an operator would see it: signals sent to real processes, the
/// pool read back through the admin socket (polled every millisecond), `/proc` for the
/// supervisor's own RSS and CPU.
public struct SupervisorBenchmark: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var executablePath: String
        public var workers = 2
        public var kills = 20
        public var hangs = 3
        public var idleSeconds = 10
        /// `supervisor.spareWorkers`; 0 measures cold starts.
        public var spares = 1
        public init(executablePath: String) { self.executablePath = executablePath }
    }

    /// What was measured, in milliseconds unless named otherwise.
    public struct Report: Sendable {
        public var killToReadyMs: [Double] = []
        public var hangToActionMs: [Double] = []
        public var addWorkerMs: [Double] = []
        public var idleRSSMB = 0.0
        public var idleCPUPercent = 0.0
        public var heartbeatIntervalMs = 0
        public var hangTimeoutMs = 0
        public var idleWorkers = 0
        public var spares = 0

        public var text: String {
            func summary(_ values: [Double]) -> String {
                guard !values.isEmpty else { return "no samples" }
                let sorted = values.sorted()
                let median = sorted[sorted.count / 2]
                return "median \(fixed(median)) ms, min \(fixed(sorted.first!)) ms, max \(fixed(sorted.last!)) ms (\(values.count) samples)"
            }
            return [
                "spare workers: \(spares)\(spares > 0 ? " (each round starts with one in standby)" : " (every replacement is a cold start)")",
                "kill -9 of a worker to its replacement ready (the supervisor's log): \(summary(killToReadyMs))",
                "SIGSTOP of a worker to the supervisor acting on it (hangTimeoutMs \(hangTimeoutMs), heartbeat \(heartbeatIntervalMs) ms): \(summary(hangToActionMs))",
                "SIGTTIN to the added worker ready (the supervisor's log): \(summary(addWorkerMs))",
                "supervisor idle (shipped settings, \(idleWorkers) workers): RSS \(fixed(idleRSSMB)) MB, CPU \(fixed(idleCPUPercent, 3)) %",
            ].joined(separator: "\n")
        }

        func fixed(_ value: Double, _ digits: Int = 1) -> String { DecimalText.fixed(value, digits) }
    }

    let options: Options

    public init(options: Options) { self.options = options }

    public func run() async throws -> Report {
        let watcher = try ChildWatcher()
        defer { watcher.stop() }
        let directory = try QueueBenchmark.makeTemporaryDirectory()
        mkdir(directory + "/run", 0o700)
        mkdir(directory + "/state", 0o700)
        let redis = try await EmbeddedRedis.start(.init(directory: directory + "/state", appendOnly: false), watcher: watcher)
        var report = Report()
        report.heartbeatIntervalMs = 200
        report.hangTimeoutMs = 1_000
        report.idleWorkers = options.workers
        report.spares = options.spares
        var environment = Posix.currentEnvironment().filter { !$0.hasPrefix("DROVER_") && !$0.hasPrefix("NOTIFY_SOCKET=") }
        environment += [
            "DROVER_REDIS_URL=unix://" + redis.socketPath,
            "DROVER_SUPERVISOR_RUNTIME_DIRECTORY=" + directory + "/run",
            "DROVER_SUPERVISOR_STATE_DIRECTORY=" + directory + "/state",
            "DROVER_SUPERVISOR_WORKERS=\(options.workers)",
            "DROVER_SUPERVISOR_MAX_WORKERS=\(options.workers + 3)",
            "DROVER_SUPERVISOR_HEARTBEAT_INTERVAL_MS=\(report.heartbeatIntervalMs)",
            "DROVER_SUPERVISOR_HANG_TIMEOUT_MS=\(report.hangTimeoutMs)",
            // Info: the supervisor's own "worker ready" lines time the replacements (see readyLogTimes).
            "DROVER_LOGGING_LEVEL=info",
            // Every kill here is deliberate: measure replacement, not crash-loop throttling.
            "DROVER_SUPERVISOR_RESTART_INTENSITY=100000",
            "DROVER_SUPERVISOR_SPARE_WORKERS=\(options.spares)",
            // Any free port: a benchmark must not collide with a server on the default 8080.
            "DROVER_HTTP_LISTEN=127.0.0.1:0",
        ]
        let log = open(directory + "/serve.log", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let serve = try await watcher.spawn(SpawnRequest(
            executablePath: options.executablePath, arguments: ["serve"], environment: environment,
            fileDescriptors: [.init(source: devNull, target: 0), .init(source: log, target: 1), .init(source: log, target: 2)],
            processGroup: .new))
        close(log)
        close(devNull)
        let socket = directory + "/run/admin.sock"
        defer {
            try? Posix.kill(serve.pid, .sigterm)
            QueueBenchmark.removeDirectory(directory + "/run")
        }
        do {
            var ready = try await waitForReady(socket: socket, count: options.workers, timeout: .seconds(60))
            for _ in 0..<options.kills {
                // Steady state: a crash meets the pool at full strength, its spare booted.
                try await waitForSpares(socket: socket)
                let victim = ready[0]
                let killedAt = WallClock.milliseconds()
                try Posix.kill(victim, .sigkill)
                ready = try await waitForReady(socket: socket, count: options.workers, timeout: .seconds(30), excluding: [victim])
                if let readyAt = Self.readyLogTimes(directory + "/serve.log").first(where: { $0 >= killedAt }) {
                    report.killToReadyMs.append(Double(readyAt - killedAt))
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            for _ in 0..<options.hangs {
                let victim = ready[0]
                let started = ContinuousClock.now
                try Posix.kill(victim, .sigstop)
                try await waitUntil(socket: socket, timeout: .seconds(30), every: .milliseconds(1)) { status in
                    status.workers.contains { $0.pid == victim && !WorkerStatus.readyStates.contains($0.state) }
                        || !status.workers.contains { $0.pid == victim }
                }
                report.hangToActionMs.append(milliseconds(since: started))
                ready = try await waitForReady(socket: socket, count: options.workers, timeout: .seconds(30), excluding: [victim])
            }
            for _ in 0..<3 {
                try await waitForSpares(socket: socket)
                let before = Set(ready)
                let signalledAt = WallClock.milliseconds()
                try Posix.kill(serve.pid, .sigttin)
                ready = try await waitForReady(socket: socket, count: before.count + 1, timeout: .seconds(30))
                if let readyAt = Self.readyLogTimes(directory + "/serve.log").first(where: { $0 >= signalledAt }) {
                    report.addWorkerMs.append(Double(readyAt - signalledAt))
                }
            }
        } catch {
            try? Posix.kill(serve.pid, .sigterm)
            _ = try? await serve.exit(timeout: .seconds(30))
            await redis.stop()
            throw error
        }
        try? Posix.kill(serve.pid, .sigterm)
        _ = try? await serve.exit(timeout: .seconds(30))
        // Idle cost with the shipped settings (heartbeats every 5 s), in a fresh supervisor.
        do {
            let idleEnvironment = environment.filter { !$0.hasPrefix("DROVER_SUPERVISOR_HEARTBEAT") && !$0.hasPrefix("DROVER_SUPERVISOR_HANG") }
            let quiet = open("/dev/null", O_RDWR | O_CLOEXEC)
            defer { close(quiet) }
            let idle = try await watcher.spawn(SpawnRequest(
                executablePath: options.executablePath, arguments: ["serve"], environment: idleEnvironment,
                fileDescriptors: [.init(source: quiet, target: 0), .init(source: quiet, target: 1), .init(source: quiet, target: 2)],
                processGroup: .new))
            _ = try await waitForReady(socket: socket, count: options.workers, timeout: .seconds(60))
            // After a pause, so start-up work is over.
            try await Task.sleep(for: .seconds(2))
            let ticksBefore = ProcessStats.cpuTimeTicks(of: idle.pid) ?? 0
            let idleStart = ContinuousClock.now
            try await Task.sleep(for: .seconds(options.idleSeconds))
            let ticksAfter = ProcessStats.cpuTimeTicks(of: idle.pid) ?? 0
            let seconds = milliseconds(since: idleStart) / 1000
            report.idleCPUPercent = Double(ticksAfter - ticksBefore) / Double(ProcessStats.clockTicksPerSecond) / seconds * 100
            report.idleRSSMB = Double(ProcessStats.residentBytes(of: idle.pid) ?? 0) / 1_048_576
            try? Posix.kill(idle.pid, .sigterm)
            _ = try? await idle.exit(timeout: .seconds(30))
        } catch {
            await redis.stop()
            throw error
        }
        await redis.stop()
        QueueBenchmark.removeDirectory(directory + "/state")
        QueueBenchmark.removeDirectory(directory)
        return report
    }

    /// The wall-clock times (ms) of the supervisor's "worker ready" log lines, in order. Polling
    /// the admin socket to see the same thing would load the supervisor being measured, and
    /// only tell the time to the millisecond after the next poll.
    static func readyLogTimes(_ path: String) -> [Int64] {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var times: [Int64] = []
        var buffer = [CChar](repeating: 0, count: 8192)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(cString: buffer)
            guard line.contains("msg=\"worker ready\""), line.hasPrefix("ts=") else { continue }
            if let time = logTime(line.dropFirst(3).prefix(24)) { times.append(time) }
        }
        return times
    }

    /// Parses `2026-11-22T20:16:40.334Z` as epoch milliseconds.
    static func logTime(_ text: Substring) -> Int64? {
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count == 7 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(digits[0] - 1900)
        parts.tm_mon = Int32(digits[1] - 1)
        parts.tm_mday = Int32(digits[2])
        parts.tm_hour = Int32(digits[3])
        parts.tm_min = Int32(digits[4])
        parts.tm_sec = Int32(digits[5])
        return Int64(timegm(&parts)) * 1000 + Int64(digits[6])
    }

    private func status(_ socket: String) async -> PoolStatus? {
        guard case .status(let status)? = try? await AdminClient.request(.status, socketPath: socket, timeout: .seconds(2)) else { return nil }
        return status
    }

    private func waitUntil(
        socket: String, timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: (PoolStatus) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = await status(socket), condition(status) { return }
            try await Task.sleep(for: interval)
        }
        throw BenchmarkError("the supervisor did not get there within \(timeout)")
    }

    /// The pids of ready workers once at least `count` are ready (none of them in `excluding`).
    private func waitForReady(socket: String, count: Int, timeout: Duration, excluding: Set<Int32> = []) async throws -> [Int32] {
        var pids: [Int32] = []
        try await waitUntil(socket: socket, timeout: timeout) { status in
            pids = status.workers.filter { WorkerStatus.readyStates.contains($0.state) && !excluding.contains($0.pid) }.map(\.pid)
            return pids.count >= count
        }
        return pids
    }

    /// Waits until the configured spares are booted and in standby.
    private func waitForSpares(socket: String) async throws {
        guard options.spares > 0 else { return }
        try await waitUntil(socket: socket, timeout: .seconds(30)) { status in
            status.workers.filter { $0.state == "standby" }.count >= options.spares
        }
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds * 1000
    }
}
