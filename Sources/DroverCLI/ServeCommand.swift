import ArgumentParser
import DroverConfig
import DroverEmbeddedRedis
import DroverHTTP
import DroverPosix
import DroverRAGRedis
import DroverRedis
import DroverRedisQueue
import DroverRegistry
import DroverSupervisor
import DroverSupervisorCore
import DroverSystemd
import FoundationEssentials
import Glibc
import Logging

/// `drover serve`: the supervisor operators run under systemd.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the supervisor: one worker per core, watched, restarted and drained.",
        discussion: """
            With no Redis URL configured, runs its own redis-server on a Unix socket in
            supervisor.runtimeDirectory, with AOF in supervisor.stateDirectory.
            Signals: SIGTERM/SIGINT drain (a second one skips the wait), SIGHUP reloads the
            configuration and replaces workers one by one, SIGTTIN/SIGTTOU add/remove a worker.
            """
    )

    @Option(name: .long, help: "Configuration file (default: $DROVER_CONFIG, else built-in defaults).") var config: String?
    @Option(name: .long, help: "single, multi or distributed.") var mode: String?
    @Option(name: .long, help: "Redis URL; default: an embedded redis-server.") var redis: String?
    @Option(name: .long, help: "Workers to start: a number or auto.") var workers: String?
    @Option(name: .long, help: "HOST:PORT for the HTTP API.") var listen: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let file = config ?? environment["DROVER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let overrides = ConfigurationOverrides(mode: mode, redisURL: redis, workers: workers, listen: listen)
        let settings: DroverConfiguration
        do {
            settings = try DroverConfiguration.load(file: file, environment: environment, overrides: overrides)
        } catch {
            printError("drover serve: bad configuration: \(error)")
            throw ExitCode(1)
        }
        LogSetup.bootstrap(level: Logger.Level(settings.logging.level))
        let logger = Logger(label: "drover.supervisor")
        guard settings.mode != .single else {
            Glibc.exit(await SingleModeServer.run(settings: settings, logger: logger))
        }
        let cores = SupervisorConfiguration.onlineProcessorCount()
        let watcher = try ChildWatcher()
        let notifier = try SystemdNotifier()

        var embedded: EmbeddedRedisKeeper?
        let redisText: String
        if settings.redis.usesEmbeddedServer {
            let keeper = try await EmbeddedRedisKeeper.start(settings: settings, watcher: watcher, logger: logger)
            embedded = keeper
            redisText = "unix://" + keeper.socketPath
        } else {
            redisText = settings.redis.url
        }
        let url: RedisURL
        do {
            url = try RedisURL(parsing: redisText)
        } catch {
            printError("drover serve: redis.url: \(error)")
            throw ExitCode(1)
        }
        var redisOptions = QueueConnectionOptions.redisOptions(for: settings)
        // The supervisor retries lease requeues itself, beside its loop; each try should fail fast.
        redisOptions.reconnectAttempts = 2
        let queue = RedisJobQueue(url: url, policy: settings.queuePolicy, options: redisOptions)
        var workerArguments = ["--redis", redisText, "--concurrency", String(settings.supervisor.concurrency)]
        if let file { workerArguments += ["--config", file] }
        var supervisorSettings = SupervisorSettings(
            executablePath: try Posix.currentExecutablePath(), workerArguments: workerArguments,
            environment: environment, desiredWorkers: settings.supervisor.resolvedWorkers(onlineProcessors: cores))
        // The clock-driven rules (hang, deadlines) need a tick a few times per heartbeat, no more:
        // an idle supervisor should cost next to nothing.
        let quarterBeat = settings.supervisor.heartbeatIntervalMs / 4
        supervisorSettings.tickInterval = .milliseconds(min(max(quarterBeat, 50), 2_000))
        supervisorSettings.stickyRouting = settings.routing.sticky
        if settings.mode == .distributed {
            // Worker ids and routing keys must be unique across the hosts sharing this Redis.
            supervisorSettings.instance = Self.instanceName()
            supervisorSettings.registry = RedisHostRegistry(url: url, options: redisOptions)
        }
        let supervisor = Supervisor(
            policy: SupervisorPolicy(settings, cores: cores), settings: supervisorSettings, queue: queue,
            notifier: notifier, reloader: ConfigurationReloader(file: file, overrides: overrides, cores: cores),
            watcher: watcher, logger: logger)
        let http: HTTPEndpoint
        do {
            // Its own queue connections, so API traffic never waits behind the supervisor's requeues;
            // few reconnects, so a client hears 503 soon when Redis is gone.
            var apiOptions = QueueConnectionOptions.redisOptions(for: settings)
            apiOptions.reconnectAttempts = 2
            let apiQueue = RedisJobQueue(url: url, policy: settings.queuePolicy, options: apiOptions)
            // The workers' RAG index, read for document states; workers of `serve` use the default namespace.
            let ragStore = RedisRAGStore(client: RedisClient(url: url, options: apiOptions))
            http = try await HTTPEndpoint.start(
                settings: settings, queue: apiQueue, poolStatus: { await supervisor.poolStatus(mode: settings.mode.rawValue) },
                route: { supervisor.route(userID: $0) }, documentState: { try await ragStore.documentState($0)?.json },
                logger: logger)
        } catch {
            printError("drover serve: http.listen \(settings.http.listen): \(error)")
            await embedded?.stop()
            throw ExitCode(1)
        }
        let signals = SignalWatcher([SIGTERM, SIGINT, SIGHUP, SIGTTIN, SIGTTOU]) { number in
            switch number {
            case SIGTERM:
                http.beginDrain()
                supervisor.deliver(.terminate)
            case SIGINT:
                http.beginDrain()
                supervisor.deliver(.interrupt)
            case SIGHUP: supervisor.deliver(.hangup)
            case SIGTTIN: supervisor.deliver(.moreWorkers)
            case SIGTTOU: supervisor.deliver(.fewerWorkers)
            default: break
            }
        }
        let admin = try AdminEndpoint.start(
            path: AdminEndpoint.socketPath(for: settings), supervisor: supervisor, queue: queue,
            mode: settings.mode.rawValue, logger: logger)
        let webhooks = Self.startWebhooks(url: url, settings: settings, options: redisOptions, logger: logger)
        logger.info("supervisor starting", metadata: [
            "pid": "\(getpid())", "redis": "\(url)", "workers": "\(supervisorSettings.desiredWorkers)",
        ])
        let code = await supervisor.run()
        webhooks.cancel()
        signals.cancel()
        // The API closes only after the supervisor finished, so /readyz reports the drain throughout.
        http.beginDrain()
        await http.stop()
        admin.stop()
        // Redis started first and stops last, after every worker's leases went back.
        await embedded?.stop()
        watcher.stop()
        logger.info("supervisor stopped", metadata: ["exitCode": "\(code)"])
        // Exit now rather than close the Redis clients: with Redis unreachable, a client may still be
        // inside a reconnect backoff, and a stopped supervisor must not wait for it.
        Glibc.exit(code)
    }
}

extension ServeCommand {
    /// `<host>-<pid>`: unique per supervisor run across hosts; only characters safe in key names.
    static func instanceName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let safe = String(host.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") ? $0 : "_" })
        return (safe.isEmpty ? "host" : safe) + "-" + String(getpid())
    }
}

/// Re-reads the configuration on SIGHUP, with the same file and flags as at start.
struct ConfigurationReloader: SupervisorReloader {
    let file: String?
    let overrides: ConfigurationOverrides
    let cores: Int

    func reload() async throws -> (policy: SupervisorPolicy, desiredWorkers: Int?) {
        let settings = try DroverConfiguration.load(file: file, environment: ProcessInfo.processInfo.environment, overrides: overrides)
        return (SupervisorPolicy(settings, cores: cores), settings.supervisor.resolvedWorkers(onlineProcessors: cores))
    }
}
