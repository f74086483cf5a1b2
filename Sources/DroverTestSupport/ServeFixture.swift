import DroverPosix
import DroverQueue
import DroverRedis
import DroverRedisQueue
import Foundation

/// A real `drover serve` with its own runtime and state directories, against a test redis-server.
///
/// The HTTP API listens on a free loopback port (`httpPort()` reads it from the log).
public final class ServeFixture: Sendable {
    public let redis: RedisServer
    public let process: ChildProcess
    public let directory: String
    public let queue: RedisJobQueue
    /// False for a second host on another fixture's Redis: that fixture stops it.
    let ownsRedis: Bool

    /// Starts the supervisor; `environment` adds or overrides DROVER_* settings. With `sharing`,
    /// it is another host of a distributed pool on that fixture's Redis, with its own directories.
    public static func start(
        workers: Int = 2, environment extra: [String: String] = [:], embeddedRedis: Bool = false,
        sharing other: ServeFixture? = nil
    ) async throws -> ServeFixture {
        let redis = if let other { other.redis } else { try await RedisServer() }
        let directory = NSTemporaryDirectory() + "drover-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DROVER_") && $0.key != "NOTIFY_SOCKET" }
        environment["DROVER_SUPERVISOR_RUNTIME_DIRECTORY"] = directory + "/run"
        environment["DROVER_SUPERVISOR_STATE_DIRECTORY"] = directory + "/state"
        environment["DROVER_SUPERVISOR_WORKERS"] = String(workers)
        environment["DROVER_SUPERVISOR_MAX_WORKERS"] = String(max(workers, 4))
        environment["DROVER_SUPERVISOR_HEARTBEAT_INTERVAL_MS"] = "200"
        environment["DROVER_SUPERVISOR_HANG_TIMEOUT_MS"] = "1500"
        environment["DROVER_SUPERVISOR_DRAIN_TIMEOUT_S"] = "20"
        environment["DROVER_LOGGING_LEVEL"] = "debug"
        // Pool sizes in these tests are the test's to set; the autoscaling tests turn it on.
        environment["DROVER_AUTOSCALE_ENABLED"] = "false"
        environment["DROVER_HTTP_LISTEN"] = "127.0.0.1:0"
        if !embeddedRedis { environment["DROVER_REDIS_URL"] = redis.urlString }
        for (key, value) in extra { environment[key] = value }
        let process = try await ChildProcess.run(
            try DroverExecutable.path, ["serve"], environment: environment.map { "\($0.key)=\($0.value)" })
        let url = embeddedRedis ? try RedisURL(parsing: "unix://" + directory + "/run/redis.sock") : redis.url
        return ServeFixture(redis: redis, process: process, directory: directory, queue: RedisJobQueue(url: url), ownsRedis: other == nil)
    }

    private init(redis: RedisServer, process: ChildProcess, directory: String, queue: RedisJobQueue, ownsRedis: Bool) {
        self.redis = redis
        self.process = process
        self.directory = directory
        self.queue = queue
        self.ownsRedis = ownsRedis
    }

    /// Stops everything this fixture started, by PID and process group.
    public func stop() async {
        if process.isRunning {
            try? process.kill(.sigterm)
            _ = try? await process.wait(timeout: .seconds(30))
        }
        process.stop()
        for pid in workerPIDs() where Posix.processExists(pid) { try? Posix.killGroup(pid, .sigkill) }
        await queue.close()
        if ownsRedis { redis.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The supervisor's log so far.
    public var log: String { process.standardError() }

    /// Lines of the log with `msg="<message>"`.
    public func lines(_ message: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("msg=\"\(message)\"") || $0.contains("msg=\(message) ") }
    }

    /// The pids named in "worker ready" lines, in order.
    public func readyPIDs() -> [Int32] {
        lines("worker ready").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst("pid=".count)) }
        }
    }

    /// Every worker pid the log mentions.
    public func workerPIDs() -> [Int32] {
        Array(Set(log.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .filter { $0.hasPrefix("pid=") }
            .compactMap { Int32($0.dropFirst("pid=".count)) }))
    }

    /// Runs `drover ARGS` against this supervisor (its admin socket) and Redis; returns exit code and output.
    public func drover(_ arguments: [String]) async throws -> (code: Int32, out: String, err: String) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DROVER_") }
        environment["DROVER_SUPERVISOR_RUNTIME_DIRECTORY"] = directory + "/run"
        environment["DROVER_REDIS_URL"] = redis.urlString
        let child = try await ChildProcess.run(
            try DroverExecutable.path, arguments, environment: environment.map { "\($0.key)=\($0.value)" })
        let exit = try await child.wait(timeout: .seconds(60))
        guard case .exited(let code) = exit else { return (-1, child.standardOutput(), child.standardError()) }
        return (code, child.standardOutput(), child.standardError())
    }

    /// Every completed noop job's record, read through the completed index.
    public func completedRecords() async throws -> [JobRecord] {
        let client = RedisClient(url: redis.url)
        let ids = (try await client.send(["ZRANGE", "drover:{rag:noop}:completed", "0", "-1"])).array ?? []
        await client.close()
        var records: [JobRecord] = []
        for id in ids.compactMap({ $0.string.flatMap(JobID.init) }) {
            if let record = try await queue.job(id) { records.append(record) }
        }
        return records
    }

    /// Waits until `count` workers have reported ready in total.
    public func waitForReady(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        try await Self.waitUntil(timeout: timeout, "\(count) workers ready") { readyPIDs().count >= count }
    }

    /// The HTTP API's port, from the `http listening` log line; waits for it.
    public func httpPort(timeout: Duration = .seconds(60)) async throws -> Int {
        try await Self.httpPort(of: process, timeout: timeout)
    }

    /// The port a `drover serve` process logged in its `http listening` line; waits for it.
    public static func httpPort(of process: ChildProcess, timeout: Duration = .seconds(60)) async throws -> Int {
        var port: Int?
        try await waitUntil(timeout: timeout, "the http listening line") {
            port = process.standardError().split(separator: "\n").first { $0.contains("http listening") }
                .flatMap { line in line.split(separator: " ").first { $0.hasPrefix("port=") } }
                .flatMap { Int($0.dropFirst("port=".count)) }
            return port != nil || !process.isRunning
        }
        guard let port else { throw ChildProcessError(.exitedEarly, "drover serve exited before it listened:\n\(process.standardError())") }
        return port
    }

    /// Polls until `condition` holds or `timeout` passes; generous, for slow machines.
    public static func waitUntil(timeout: Duration, _ what: String, _ condition: () async throws -> Bool) async throws {
        if try await eventually(timeout: timeout, condition) { return }
        throw ChildProcessError(.timedOut, "timed out waiting for \(what)")
    }
}

/// Runs `body` against a fresh `drover serve` and stops everything it started — also when the
/// test fails or throws, so no supervisor, worker or redis-server outlives its test.
public func withServe(
    workers: Int = 2, environment: [String: String] = [:], embeddedRedis: Bool = false,
    _ body: (ServeFixture) async throws -> Void
) async throws {
    let serve = try await ServeFixture.start(workers: workers, environment: environment, embeddedRedis: embeddedRedis)
    do {
        try await body(serve)
    } catch {
        await serve.stop()
        // The supervisor's log is the only account of what the workers did: show it with the failure.
        FileHandle.standardError.write(Data("--- drover serve log (test failed: \(error)) ---\n\(serve.log)\n--- end of log ---\n".utf8))
        throw error
    }
    await serve.stop()
}

