import DroverPosix
import DroverRedis
import Glibc

/// A `redis-server` child process on a Unix socket in a directory of ours.
///
/// `drover serve` starts one when no Redis URL is configured (AOF on, in its state directory),
/// and `drover bench` starts one with persistence off. It is started first and stopped last.
public final class EmbeddedRedis: Sendable {
    /// How to run the server.
    public struct Options: Sendable {
        /// Where the socket, the log and (with persistence) the AOF files live.
        public var directory: String
        /// The socket path. Default: `<directory>/redis.sock`.
        public var socketPath: String?
        /// Append-only persistence (fsync every second): on for `serve`, off for benchmarks.
        public var appendOnly: Bool
        /// `redis-server`, found on `PATH` unless a path is given.
        public var serverPath: String?
        /// More `--name value` arguments for redis-server.
        public var extraArguments: [String] = []
        /// How long the server may take to answer PING. Default: 10 s.
        public var startTimeout: Duration = .seconds(10)

        public init(directory: String, appendOnly: Bool, socketPath: String? = nil, serverPath: String? = nil) {
            self.directory = directory
            self.appendOnly = appendOnly
            self.socketPath = socketPath
            self.serverPath = serverPath
        }
    }

    public let child: WatchedChild
    public let url: RedisURL
    public let socketPath: String
    public let logPath: String

    init(child: WatchedChild, url: RedisURL, socketPath: String, logPath: String) {
        self.child = child
        self.url = url
        self.socketPath = socketPath
        self.logPath = logPath
    }

    public var pid: pid_t { child.pid }

    /// Starts the server and returns once it answers PING.
    public static func start(_ options: Options, watcher: ChildWatcher) async throws(EmbeddedRedisError) -> EmbeddedRedis {
        guard let server = options.serverPath ?? findOnPath("redis-server") else {
            throw EmbeddedRedisError("redis-server is not installed (apt-get install redis-server), and no Redis URL was given")
        }
        let socket = options.socketPath ?? options.directory + "/redis.sock"
        let log = options.directory + "/redis.log"
        // A socket left by a killed server would make redis-server fail to bind.
        unlink(socket)
        var arguments = [
            "--port", "0",
            "--unixsocket", socket,
            "--unixsocketperm", "700",
            "--dir", options.directory,
            "--logfile", log,
            "--daemonize", "no",
            "--save", "",
            "--appendonly", options.appendOnly ? "yes" : "no",
        ]
        // Later arguments win in redis-server, so callers can override these.
        arguments += options.appendOnly ? ["--appendfsync", "everysec"] : []
        arguments += options.extraArguments
        let request = SpawnRequest(
            executablePath: server, arguments: arguments, environment: Posix.currentEnvironment(), processGroup: .new)
        let child: WatchedChild
        do {
            child = try await watcher.spawn(request)
        } catch {
            throw EmbeddedRedisError("cannot start \(server): \(error)")
        }
        let url: RedisURL
        do {
            url = try RedisURL(parsing: "unix://" + socket)
        } catch {
            throw EmbeddedRedisError("bad socket path \(socket): \(error)")
        }
        let redis = EmbeddedRedis(child: child, url: url, socketPath: socket, logPath: log)
        try await redis.waitUntilReady(timeout: options.startTimeout)
        return redis
    }

    private func waitUntilReady(timeout: Duration) async throws(EmbeddedRedisError) {
        let deadline = ContinuousClock.now + timeout
        var options = RedisOptions()
        options.reconnectAttempts = 1
        options.connectTimeout = .milliseconds(200)
        while ContinuousClock.now < deadline {
            if let exit = child.exitIfKnown {
                throw EmbeddedRedisError("redis-server exited at start (\(exit)); its log: \(tail(of: logPath))")
            }
            if access(socketPath, F_OK) == 0 {
                let client = RedisClient(url: url, options: options)
                let pong = try? await client.send(["PING"])
                await client.close()
                if pong != nil { return }
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        try? Posix.kill(child.pid, .sigkill)
        throw EmbeddedRedisError("redis-server did not answer within \(timeout); its log: \(tail(of: logPath))")
    }

    /// SIGTERM (redis-server flushes its AOF and exits), then SIGKILL if it is still there after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        guard !child.isFinished else { return }
        try? Posix.kill(child.pid, .sigterm)
        if (try? await child.exit(timeout: grace)) ?? nil == nil {
            try? Posix.kill(child.pid, .sigkill)
            _ = try? await child.exit(timeout: .seconds(5))
        }
    }

    /// The executable `name` in a directory of `PATH`, or nil.
    public static func findOnPath(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"] {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The last few lines of a log file, for error messages.
    private func tail(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "(no log)" }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            lines.append(String(cString: buffer).trimmingSuffix())
            if lines.count > 5 { lines.removeFirst() }
        }
        return lines.joined(separator: " | ")
    }
}

/// Why the embedded Redis could not start.
public struct EmbeddedRedisError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var s = self
        while let last = s.last, last == "\n" || last == "\r" { s.removeLast() }
        return s
    }
}
