import ArgumentParser
import DroverConfig
import DroverControl
import DroverPosix
import DroverHTTPClient
import DroverQueue
import DroverRAGHandlers
import DroverRAGOpenAI
import DroverRedis
import DroverSupervisorCore
import DroverWorker
import FoundationEssentials
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `drover worker`: one worker process. The supervisor spawns it; benchmarks and tests may too.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run one worker process (internal: `drover serve` spawns these).",
        shouldDisplay: false
    )

    @OptionGroup var connection: QueueConnectionOptions

    @Option(name: .long, help: "Worker id used in leases. Default: w-<pid>.")
    var workerID: String?

    @Option(name: .long, help: "Jobs run at once. Default: supervisor.concurrency from the configuration (3).")
    var concurrency: Int?

    @Option(name: .long, help: "Comma-separated queues to pull from (rag:noop,…). Default: every queue this worker has a handler for.")
    var queues: String?

    @Option(name: .long, help: "Log level. Default: logging.level from the configuration (info).")
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp("Completed and dead jobs kept per queue.", visibility: .hidden))
    var retentionCount: Int?

    func validate() throws {
        if let concurrency, !(1...10_000).contains(concurrency) {
            throw ValidationError("--concurrency must be 1...10000, got \(concurrency)")
        }
        _ = try parsedTypes()
        if let retentionCount, !(1...100_000_000).contains(retentionCount) {
            throw ValidationError("--retention-count must be 1...100000000")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if let workerID, workerID.isEmpty || workerID.utf8.count > 128 || workerID.contains(where: { $0 == " " }) {
            throw ValidationError("--worker-id must be 1...128 characters without spaces")
        }
    }

    /// What the kernel sends a supervised worker when its supervisor dies (`PR_SET_PDEATHSIG`):
    /// not SIGTERM, which means "drain", because an orphan should hand its jobs back at once.
    static let parentDeathSignal = Signal.sigusr1

    /// The handlers this build runs; a worker pulls only from queues it can serve.
    static var handlers: [JobType: any JobHandler] { HandlerRegistry.handlers }
    /// Types served by handlers built at start-up, once Redis is known (the RAG pipeline).
    static let handledTypes = Set(HandlerRegistry.handlers.keys).union(RAGHandlers.types)

    func parsedTypes() throws -> [JobType] {
        guard let queues else { return JobType.allCases.filter { Self.handledTypes.contains($0) } }
        var types: [JobType] = []
        for name in queues.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            guard let type = JobType(queueName: name) ?? JobType(rawValue: name) else {
                throw ValidationError("--queues: unknown queue \(name.debugDescription); known: \(JobType.allCases.map(\.queueName).joined(separator: ", "))")
            }
            guard Self.handledTypes.contains(type) else {
                throw ValidationError("--queues: this build has no handler for \(name) yet")
            }
            types.append(type)
        }
        guard !types.isEmpty else { throw ValidationError("--queues names no queue") }
        return types
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let supervised = environment[ControlProtocol.fileDescriptorEnvironmentKey] != nil
        if supervised, let parent = environment["DROVER_SUPERVISOR_PID"].flatMap({ pid_t($0) }) {
            // Die with the supervisor; if it is already gone, there is nobody to work for.
            guard (try? Posix.dieWithParent(signal: Self.parentDeathSignal, expectedParent: parent)) == true else {
                throw ExitCode(WorkerExitCode.bootFailed.rawValue)
            }
        }
        let settings: DroverConfiguration
        do {
            settings = try connection.configuration(environment: environment)
        } catch {
            printError("drover worker: \(error)")
            throw ExitCode(WorkerExitCode.configurationInvalid.rawValue)
        }
        LogSetup.bootstrap(level: logLevel.flatMap(Logger.Level.init(rawValue:)) ?? Logger.Level(settings.logging.level))
        let logger = Logger(label: "drover.worker")
        let concurrency = self.concurrency ?? settings.supervisor.concurrency
        let queue = try connection.makeQueue(environment: environment) { policy in
            if let retentionCount { policy.retentionCount = retentionCount }
        }
        var configuration = WorkerConfiguration(workerID: workerID ?? environment["DROVER_WORKER_ID"] ?? "w-\(getpid())")
        configuration.concurrency = concurrency
        configuration.types = try parsedTypes()
        // A worker that cannot reach Redis at boot says so with its exit code, so the supervisor
        // backs off instead of respawning it in a loop.
        var probeOptions = QueueConnectionOptions.redisOptions(for: settings)
        probeOptions.reconnectAttempts = 3
        let probe = RedisClient(url: try QueueConnectionOptions.redisURL(for: settings), options: probeOptions)
        do {
            _ = try await probe.send(["PING"])
            await probe.close()
        } catch {
            await probe.close()
            logger.error("cannot reach redis at boot", metadata: ["error": "\(error)"])
            throw ExitCode(WorkerExitCode.bootFailed.rawValue)
        }
        let rag: RAGWorkerSetup
        do {
            rag = try await RAGWorkerSetup(settings: settings, url: try QueueConnectionOptions.redisURL(for: settings),
                                           options: QueueConnectionOptions.redisOptions(for: settings),
                                           namespace: connection.namespace)
        } catch {
            // A model server that is down may come back; a bad URL or a model it refuses will not.
            let transient = (error as? OpenAIError)?.retryable ?? (error as? HTTPClientError)?.isTransient ?? true
            logger.error("cannot set up the RAG pipeline", metadata: ["error": "\(error)"])
            throw ExitCode((transient ? WorkerExitCode.bootFailed : .configurationInvalid).rawValue)
        }
        let handlers = Self.handlers.merging(rag.handlers) { noop, _ in noop }
        let runner = JobRunner(queue: queue, handlers: handlers, configuration: configuration, logger: logger)
        let session = try WorkerControlSession.inherited(runner: runner, queue: queue, workerID: configuration.workerID, logger: logger)
        if configuration.types.contains(where: RAGHandlers.types.contains) {
            let counters = rag.engine.counters
            session?.reportCacheCounts {
                let stats = counters.snapshot
                return CacheCounts(l1Hits: stats.l1Hits, l1Misses: stats.l1Misses, l2Hits: stats.l2Hits, l2Misses: stats.l2Misses)
            }
        }
        let signals = SignalWatcher([SIGTERM, SIGINT, Self.parentDeathSignal.rawValue]) { number in
            if number == Self.parentDeathSignal.rawValue {
                // The supervisor is gone: nobody will put our leases back, so do it now and go.
                session?.abandon(reason: "the supervisor died")
            } else if let session {
                session.drain()
            } else {
                runner.drain()
            }
        }
        defer { signals.cancel() }
        try session?.start(concurrency: concurrency, heartbeatInterval: .milliseconds(settings.supervisor.heartbeatIntervalMs))
        let standby = session != nil && environment["DROVER_STANDBY"] == "1"
        logger.info("worker started", metadata: [
            "concurrency": "\(concurrency)", "queues": "\(configuration.types.map(\.queueName).joined(separator: ","))",
            "supervised": "\(session != nil)", "standby": "\(standby)",
        ])
        await withTaskGroup(of: Void.self) { group in
            if configuration.types.contains(where: RAGHandlers.types.contains) {
                group.addTask { await rag.followInvalidations() }
            }
            if standby {
                // A spare: its process, configuration and Redis connections are ready (and its
                // index follows changes); the supervisor gives it a slot when one needs a worker.
                guard await session?.waitForActivation() == true else {
                    group.cancelAll()
                    return
                }
                logger.info("spare activated")
            }
            await runner.run()
            group.cancelAll()
        }
        session?.finish()
        await queue.close()
    }
}
