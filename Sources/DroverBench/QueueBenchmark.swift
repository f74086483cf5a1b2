import DroverEmbeddedRedis
import DroverPosix
import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverSupervisorCore
import Glibc
import Histogram
import Logging

/// `drover bench queue`: real worker processes against a real Redis, measured end to end.
///
/// Two shapes: a bulk run (enqueue `jobs`, then start the workers and time the drain) and a paced
/// run (`rate` jobs/s for `duration` s into already-running workers, for latency under load).
/// A bulk run can kill -9 one worker mid-drain and report what the survivors did around it.
public struct QueueBenchmark: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var redisURL: RedisURL?
        public var jobs = 100_000
        public var workers = 2
        public var concurrency = 64
        public var sleepMs = 0
        public var rate: Int?
        public var durationSeconds = 10
        /// Give jobs this many distinct user ids, each routed to its worker's sticky queue as the
        /// supervisor's router would; nil: no user ids, shared queue only.
        public var users: Int?
        /// Bulk runs with two or more workers: kill -9 the last worker this long after every worker
        /// holds a lease, and put its leases back at once, as the supervisor does.
        public var killOneAfterMs: Int?
        public var executablePath: String
        public init(executablePath: String) { self.executablePath = executablePath }
    }

    let options: Options
    let logger: Logger
    /// Per user number, the worker id its jobs are routed to.
    let userTargets: [String]

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        let router = StickyRouter(candidates: (0..<options.workers).map { index in
            RouteCandidate(key: Self.workerID(index), worker: WorkerID(rawValue: Self.workerID(index)), activeJobs: 0, overloaded: false)
        })
        userTargets = (0..<(options.users ?? 0)).map { router.route(userID: Self.userID($0))?.rawValue ?? "" }
    }

    static func workerID(_ index: Int) -> String { "bench-\(index)" }
    static func userID(_ index: Int) -> String { "user-\(index)" }

    public func run() async throws -> QueueBenchmarkReport {
        let watcher = try ChildWatcher()
        defer { watcher.stop() }
        var embedded: EmbeddedRedis?
        var temporaryDirectory: String?
        let url: RedisURL
        if let given = options.redisURL {
            url = given
        } else {
            let directory = try Self.makeTemporaryDirectory()
            temporaryDirectory = directory
            let redis = try await EmbeddedRedis.start(.init(directory: directory, appendOnly: false), watcher: watcher)
            embedded = redis
            url = redis.url
        }
        let namespace = "bench-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var policy = QueuePolicy()
        policy.retentionCount = max(policy.retentionCount, options.jobs, (options.rate ?? 0) * options.durationSeconds)
        let queue = RedisJobQueue(url: url, policy: policy, namespace: namespace)
        let stats = RedisClient(url: url)
        var workers: [WatchedChild] = []
        do {
            let report = try await measure(queue: queue, stats: stats, url: url, namespace: namespace, policy: policy, watcher: watcher, workers: &workers)
            await stop(workers)
            try? await queue.deleteNamespace()
            await queue.close()
            await stats.close()
            await embedded?.stop()
            if let temporaryDirectory { Self.removeDirectory(temporaryDirectory) }
            return report
        } catch {
            await stop(workers)
            try? await queue.deleteNamespace()
            await embedded?.stop()
            if let temporaryDirectory { Self.removeDirectory(temporaryDirectory) }
            throw error
        }
    }

    private func measure(
        queue: RedisJobQueue, stats: RedisClient, url: RedisURL, namespace: String, policy: QueuePolicy,
        watcher: ChildWatcher, workers: inout [WatchedChild]
    ) async throws -> QueueBenchmarkReport {
        var report = QueueBenchmarkReport(options: options, redis: "\(url)")
        let before = try await CommandStats.read(stats)
        var ids: [JobID] = []
        if let rate = options.rate {
            workers = try await spawnWorkers(url: url, namespace: namespace, policy: policy, watcher: watcher)
            try await waitUntilBlocked(stats: stats, count: workers.count)
            let started = ContinuousClock.now
            ids = try await enqueuePaced(queue: queue, rate: rate)
            report.enqueueSeconds = (ContinuousClock.now - started).inSeconds
        } else {
            let started = ContinuousClock.now
            ids = try await enqueueBulk(queue: queue)
            report.enqueueSeconds = (ContinuousClock.now - started).inSeconds
            workers = try await spawnWorkers(url: url, namespace: namespace, policy: policy, watcher: watcher)
        }
        report.jobs = ids.count
        var kill: (report: WorkerKillReport, poolRunningMicros: Int64, killMicros: Int64)?
        var survivors = workers
        if let afterMs = options.killOneAfterMs {
            kill = try await killOne(after: .milliseconds(afterMs), queue: queue, stats: stats, workers: workers)
            survivors.removeLast()
        }
        try await waitUntilDone(queue: queue, total: ids.count, workers: survivors)
        let after = try await CommandStats.read(stats)
        report.redisCommands = after.total - before.total
        report.redisScriptCalls = after.scriptCalls - before.scriptCalls
        report.redisBlockingCalls = after.blockingCalls - before.blockingCalls

        let timings = try await queue.timings(of: ids)
        if var kill {
            kill.report.measure(
                timings, workers: workers.indices.map(Self.workerID),
                poolRunningMicros: kill.poolRunningMicros, killMicros: kill.killMicros)
            report.kill = kill.report
        }
        var histogram = Self.latencyHistogram()
        var untilStart = Self.latencyHistogram()
        var firstStart = Int64.max
        var lastFinish = Int64.min
        for timing in timings {
            guard let timing, let finished = timing.finishedMicros else { report.unfinished += 1; continue }
            _ = histogram.record(UInt64(max(0, finished - timing.createdMicros)))
            if let started = timing.startedMicros {
                firstStart = min(firstStart, started)
                _ = untilStart.record(UInt64(max(0, started - timing.createdMicros)))
            }
            lastFinish = max(lastFinish, finished)
        }
        report.drainSeconds = lastFinish > firstStart ? Double(lastFinish - firstStart) / 1e6 : 0
        report.latencyMicros = LatencySummary(histogram)
        report.startLatencyMicros = LatencySummary(untilStart)
        return report
    }

    /// Waits until every worker holds a lease, then `delay` later kills the last one with SIGKILL,
    /// waits for its exit and requeues its leases counting the attempt: the supervisor's crash path.
    private func killOne(
        after delay: Duration, queue: RedisJobQueue, stats: RedisClient, workers: [WatchedChild]
    ) async throws -> (report: WorkerKillReport, poolRunningMicros: Int64, killMicros: Int64) {
        let ids = workers.indices.map(Self.workerID)
        var seen = Set<String>()
        let deadline = ContinuousClock.now + .seconds(30)
        while seen.count < ids.count {
            guard ContinuousClock.now < deadline else { throw BenchmarkError("not every worker took a job within 30 s") }
            for (id, leases) in zip(ids, try await queue.leaseCounts(ofWorkers: ids)) where leases > 0 { seen.insert(id) }
            if seen.count < ids.count {
                if try await queue.counts(of: .noop).waiting == 0 {
                    throw BenchmarkError("the queue ran dry before every worker took a job; raise --jobs")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        let poolRunning = try await Self.redisMicros(stats)
        try await Task.sleep(until: .now + delay, clock: .continuous)
        guard try await queue.counts(of: .noop).waiting > 0 else {
            throw BenchmarkError("the drain ended before the kill; raise --jobs or lower --kill-one-after-ms")
        }
        guard let victim = workers.last, workers.count >= 2 else { throw BenchmarkError("killing a worker needs two or more") }
        let killed = try await Self.redisMicros(stats)
        try Posix.kill(victim.pid, .sigkill)
        _ = try await victim.exit(timeout: .seconds(10))
        let victimID = Self.workerID(workers.count - 1)
        let requeued = try await queue.requeueLeases(ofWorker: victimID, countingAttempt: true)
        let report = WorkerKillReport(victim: victimID, killedAfterMicros: killed - poolRunning, requeued: requeued)
        return (report, poolRunning, killed)
    }

    static func latencyHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Redis's clock, the one job timings are stamped with.
    private static func redisMicros(_ client: RedisClient) async throws -> Int64 {
        let parts = try await client.send(["TIME"]).array ?? []
        guard parts.count == 2, let seconds = parts[0].string.flatMap({ Int64($0) }),
              let micros = parts[1].string.flatMap({ Int64($0) }) else {
            throw BenchmarkError("unexpected reply to TIME")
        }
        return seconds * 1_000_000 + micros
    }

    private func jobRequest(_ index: Int) -> JobRequest {
        // The index makes every payload distinct, so dedup keeps every job.
        var payload: [String: JSONValue] = ["sleepMs": .int(options.sleepMs), "i": .int(index)]
        guard !userTargets.isEmpty else { return JobRequest(type: .noop, payload: .object(payload)) }
        let user = index % userTargets.count
        payload["userId"] = .string(Self.userID(user))
        var request = JobRequest(type: .noop, payload: .object(payload))
        request.targetWorker = userTargets[user]
        return request
    }

    /// Enqueues in batches with two in flight, so building one batch overlaps Redis running the
    /// other, as a pipelining client would; Redis still runs one script call at a time.
    private func enqueueBulk(queue: RedisJobQueue) async throws -> [JobID] {
        let batch = 5_000
        let starts = Array(stride(from: 0, to: options.jobs, by: batch))
        var batches = [[JobID]](repeating: [], count: starts.count)
        try await withThrowingTaskGroup(of: (Int, [JobID]).self) { group in
            var next = 0
            func submit() {
                let position = next
                let start = starts[position]
                let requests = (start..<min(start + batch, options.jobs)).map(jobRequest)
                group.addTask { (position, try await queue.enqueue(requests).map(\.id)) }
                next += 1
            }
            while next < min(2, starts.count) { submit() }
            while let (position, ids) = try await group.next() {
                batches[position] = ids
                if next < starts.count { submit() }
            }
        }
        return batches.flatMap { $0 }
    }

    /// Enqueues `rate` jobs a second for the duration, each batch when it falls due, so a slow
    /// moment is caught up rather than silently lowering the rate.
    private func enqueuePaced(queue: RedisJobQueue, rate: Int) async throws -> [JobID] {
        let total = rate * options.durationSeconds
        var ids: [JobID] = []
        ids.reserveCapacity(total)
        let start = ContinuousClock.now
        var sent = 0
        while sent < total {
            let due = min(total, Int((ContinuousClock.now - start).inSeconds * Double(rate)) + 1)
            if due > sent {
                ids += try await queue.enqueue((sent..<due).map(jobRequest)).map(\.id)
                sent = due
            }
            let next = start + .microseconds(Int64(Double(sent) / Double(rate) * 1e6))
            try await Task.sleep(until: next, clock: .continuous)
        }
        return ids
    }

    private func spawnWorkers(url: RedisURL, namespace: String, policy: QueuePolicy, watcher: ChildWatcher) async throws -> [WatchedChild] {
        var children: [WatchedChild] = []
        for index in 0..<options.workers {
            let arguments = [
                "worker", "--redis", url.connectionString, "--namespace", namespace,
                "--concurrency", String(options.concurrency), "--queues", JobType.noop.queueName,
                "--worker-id", Self.workerID(index), "--log-level", "warning",
                "--retention-count", String(policy.retentionCount),
            ]
            let group: SpawnRequest.ProcessGroup = children.first.map { .join($0.pid) } ?? .new
            let request = SpawnRequest(
                executablePath: options.executablePath, arguments: arguments,
                environment: Posix.currentEnvironment(), processGroup: group)
            children.append(try await watcher.spawn(request))
        }
        return children
    }

    /// Every worker is idle in its blocking wait: the pool is warm and listening.
    private func waitUntilBlocked(stats: RedisClient, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let info = try await stats.send(["INFO", "clients"]).string ?? ""
            if let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("blocked_clients:") }),
               let blocked = Int(line.dropFirst("blocked_clients:".count)), blocked >= count {
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkError("workers did not start within 30 s")
    }

    private func waitUntilDone(queue: RedisJobQueue, total: Int, workers: [WatchedChild]) async throws {
        let limit = ContinuousClock.now + .seconds(max(120, total / 1000 + options.durationSeconds * 2))
        while ContinuousClock.now < limit {
            let counts = try await queue.counts(of: .noop)
            if counts.completed + counts.dead >= total && counts.active == 0 && counts.waiting == 0 { return }
            if let dead = workers.first(where: { $0.isFinished }) {
                throw BenchmarkError("worker \(dead.pid) exited during the run: \(dead.exitIfKnown.map { "\($0)" } ?? "unknown")")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchmarkError("jobs did not finish in time")
    }

    private func stop(_ workers: [WatchedChild]) async {
        for worker in workers where !worker.isFinished { try? Posix.kill(worker.pid, .sigterm) }
        for worker in workers {
            if (try? await worker.exit(timeout: .seconds(10))) ?? nil == nil {
                try? Posix.kill(worker.pid, .sigkill)
                _ = try? await worker.exit(timeout: .seconds(5))
            }
        }
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/drover-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchmarkError("cannot create a temporary directory") }
        return String(cString: made)
    }

    static func removeDirectory(_ path: String) {
        guard let dir = opendir(path) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
        rmdir(path)
    }
}

/// A benchmark that could not run to the end.
public struct BenchmarkError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
