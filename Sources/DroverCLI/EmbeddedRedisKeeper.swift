import DroverConfig
import DroverEmbeddedRedis
import DroverPosix
import Glibc
import Logging
import Synchronization

/// Runs the embedded redis-server for `drover serve` and starts it again if it dies.
///
/// AOF is on (fsync every write), so a restarted server comes back with every accepted job.
final class EmbeddedRedisKeeper: Sendable {
    let socketPath: String
    private let options: EmbeddedRedis.Options
    private let watcher: ChildWatcher
    private let logger: Logger
    private let state: Mutex<(server: EmbeddedRedis?, stopping: Bool)>
    private let keeper: Mutex<Task<Void, Never>?> = Mutex(nil)

    private init(options: EmbeddedRedis.Options, server: EmbeddedRedis, watcher: ChildWatcher, logger: Logger) {
        self.options = options
        self.socketPath = server.socketPath
        self.watcher = watcher
        self.logger = logger
        self.state = Mutex((server, false))
    }

    static func start(settings: DroverConfiguration, watcher: ChildWatcher, logger: Logger) async throws -> EmbeddedRedisKeeper {
        let runtime = settings.supervisor.runtimeDirectory
        let stateDirectory = settings.supervisor.stateDirectory
        for directory in [runtime, stateDirectory] {
            if mkdir(directory, 0o750) != 0 && errno != EEXIST {
                throw EmbeddedRedisError("cannot create \(directory): \(String(cString: strerror(errno)))")
            }
        }
        var options = EmbeddedRedis.Options(directory: stateDirectory, appendOnly: true, socketPath: runtime + "/redis.sock")
        // Every accepted job is on disk before its 2xx: Drover never trades a job for speed.
        // Expired keys are freed off the main thread, so a big dedup bucket's expiry stalls nothing.
        options.extraArguments = ["--appendfsync", "always", "--lazyfree-lazy-expire", "yes"]
        let server = try await EmbeddedRedis.start(options, watcher: watcher)
        logger.info("embedded redis started", metadata: ["pid": "\(server.pid)", "socket": "\(server.socketPath)"])
        let keeper = EmbeddedRedisKeeper(options: options, server: server, watcher: watcher, logger: logger)
        keeper.keep()
        return keeper
    }

    /// Waits for the server to exit; unless we are stopping, starts it again (with backoff).
    private func keep() {
        let task = Task { [self] in
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                guard let server = state.withLock({ $0.server }) else { return }
                let exit = try? await server.child.exit()
                if state.withLock({ $0.stopping }) || Task.isCancelled { return }
                logger.error("embedded redis exited; restarting", metadata: ["exit": "\(exit.map { "\($0)" } ?? "unknown")"])
                try? await Task.sleep(for: delay)
                do {
                    let next = try await EmbeddedRedis.start(options, watcher: watcher)
                    state.withLock { $0.server = next }
                    delay = .milliseconds(100)
                } catch {
                    logger.error("embedded redis did not restart", metadata: ["error": "\(error)"])
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
        keeper.withLock { $0 = task }
    }

    func stop() async {
        let server = state.withLock { s -> EmbeddedRedis? in
            s.stopping = true
            return s.server
        }
        keeper.withLock { $0?.cancel() }
        await server?.stop()
    }
}
