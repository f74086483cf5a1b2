import DroverPosix
import DroverRedis
import Foundation
import Synchronization

/// A real `redis-server` for one test: its own temp directory and Unix socket (and, if asked, a free
/// TCP port on 127.0.0.1), persistence off unless asked. Killed, and its directory removed, when dropped.
///
/// Many can run at once: each has a unique directory, and only its own process is ever signalled.
public final class RedisServer: Sendable {
    /// The directory holding the socket, the log, and any AOF files.
    public let directory: String
    public let socketPath: String
    /// The TCP port on 127.0.0.1, if the server was asked to listen on TCP.
    public let port: Int?
    public let password: String?
    public let appendOnly: Bool
    /// How to reach the server: TCP when asked for, else the Unix socket; carries the password.
    public let url: RedisURL
    /// `url` as text, password included (unlike `url.description`), for `--redis` flags and config files.
    public let urlString: String

    private struct State {
        var child: ChildProcess?
        var isStopped = false
    }

    private let state = Mutex(State())

    /// How long start-up may take before it counts as failed; generous, for slow machines.
    private static let readyTimeout: Duration = .seconds(20)
    /// How long `stop()` and `restart()` wait after SIGTERM before SIGKILL.
    private static let gracefulStopTimeout: Duration = .seconds(10)

    /// Starts a server and waits until it answers PING.
    ///
    /// - Parameters:
    ///   - requirePass: sets `requirepass`; `url` then carries this password.
    ///   - appendOnly: turns on AOF with `appendfsync always`, so every acknowledged write survives `kill()`.
    ///   - tcp: also listen on a free port on 127.0.0.1 and make `url` a `redis://` URL.
    public init(requirePass: String? = nil, appendOnly: Bool = false, tcp: Bool = false) async throws {
        directory = try Self.makeDirectory()
        socketPath = directory + "/redis.sock"
        password = requirePass
        self.appendOnly = appendOnly
        do {
            port = tcp ? try Self.freeLoopbackPort() : nil
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        if let port {
            url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port), password: requirePass)
            urlString = url.connectionString
        } else {
            url = RedisURL(endpoint: .unix(path: socketPath), password: requirePass)
            urlString = url.connectionString
        }
        do {
            try await launch()
        } catch {
            kill()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        let child = state.withLock { $0.child }
        child?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The server's process id while it runs.
    public var pid: pid_t? {
        state.withLock { $0.child }.flatMap { $0.isRunning ? $0.pid : nil }
    }

    public var isRunning: Bool { pid != nil }

    /// SIGTERM, wait up to 10 s, then SIGKILL; removes the directory. Final: `restart()` fails afterwards.
    /// Blocks the calling thread while it waits, so it can run in a `defer`.
    public func stop() {
        let child = state.withLock { state in
            state.isStopped = true
            return state.child.take()
        }
        if let child { Self.terminate(child) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// SIGKILL, as a crash would; waits until the process is gone. The directory (AOF included) stays for `restart()`.
    public func kill() {
        let child = state.withLock { $0.child.take() }
        if let child { Self.killAndWait(child) }
    }

    /// Stops the server if it runs (SIGTERM, then SIGKILL) and starts it again with the same directory,
    /// socket, port and options, so AOF data survives; waits until it answers PING.
    public func restart() async throws {
        let child = try state.withLock { state throws(RedisServerError) in
            if state.isStopped { throw RedisServerError(.stopped, "the server in \(directory) was stopped; start a new one") }
            return state.child.take()
        }
        if let child { Self.terminate(child) }
        try await launch()
    }

    /// The last `bytes` of the server's log, for test failure messages.
    public func logTail(_ bytes: Int = 4000) -> String {
        let log = (try? String(contentsOfFile: directory + "/redis.log", encoding: .utf8)) ?? ""
        return String(log.suffix(bytes))
    }

    private func launch() async throws {
        let executable = try Self.redisServerPath()
        var arguments = [
            "--port", "\(port ?? 0)",
            "--bind", "127.0.0.1",
            "--unixsocket", socketPath,
            "--unixsocketperm", "700",
            "--dir", directory,
            "--logfile", directory + "/redis.log",
            "--daemonize", "no",
            "--save", "",
            "--appendonly", appendOnly ? "yes" : "no",
            // Write and fsync before replying: a test that kills the server loses no acknowledged write.
            "--appendfsync", "always",
            // DEBUG SLEEP and friends, for tests that need a slow server; only from local clients.
            "--enable-debug-command", "local",
        ]
        if let password { arguments += ["--requirepass", password] }
        let child = try await ChildProcess.run(executable, arguments, workingDirectory: directory)
        state.withLock { $0.child = child }
        try await waitUntilReady(child)
    }

    private func waitUntilReady(_ child: ChildProcess) async throws {
        var options = RedisOptions()
        options.connectTimeout = .seconds(1)
        options.commandTimeout = .seconds(2)
        options.reconnectAttempts = 1
        options.reconnectBaseDelay = .milliseconds(5)
        options.reconnectMaxDelay = .milliseconds(50)
        let client = RedisClient(url: url, options: options)
        let deadline = ContinuousClock.now + Self.readyTimeout
        var lastError = "no attempt made"
        while ContinuousClock.now < deadline {
            if !child.isRunning {
                throw RedisServerError(.notReady, "redis-server exited during start-up; stderr: \(child.standardError().suffix(2000)) log: \(logTail())")
            }
            do {
                // LOADING (an AOF being replayed) comes back as a server error: keep waiting.
                if try await client.send(["PING"]) == .status("PONG") { return }
            } catch {
                lastError = error.description
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RedisServerError(.notReady, "redis-server did not answer PING within \(Self.readyTimeout) (\(lastError)); log: \(logTail())")
    }

    private static func terminate(_ child: ChildProcess) {
        try? child.kill(.sigterm)
        if waitForExit(child, timeout: gracefulStopTimeout) { return }
        killAndWait(child)
    }

    private static func killAndWait(_ child: ChildProcess) {
        child.stop()
        _ = waitForExit(child, timeout: .seconds(10))
    }

    /// Polls until the watcher has reaped `child`; blocking, so `stop()` works in a `defer`.
    private static func waitForExit(_ child: ChildProcess, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while child.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    private static func makeDirectory() throws(RedisServerError) -> String {
        // /tmp, not $TMPDIR: a Unix socket path must fit in 108 bytes.
        var template = Array("/tmp/drover-redis-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw RedisServerError(.launchFailed, "mkdtemp in /tmp failed (errno \(errno))")
        }
        return String(cString: created)
    }

    private static func redisServerPath() throws(RedisServerError) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let candidate = "\(directory)/redis-server"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw RedisServerError(.executableMissing, "redis-server is not on PATH; install the redis-server package")
    }

    /// Binds port 0 on 127.0.0.1 to learn a free port, then releases it for redis-server. Another
    /// process could take it in between; that is rare enough for tests, and start-up would then fail loudly.
    private static func freeLoopbackPort() throws(RedisServerError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RedisServerError(.launchFailed, "socket() failed (errno \(errno))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw RedisServerError(.launchFailed, "could not bind 127.0.0.1:0 (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
