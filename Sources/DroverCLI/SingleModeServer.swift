import DroverConfig
import DroverControl
import DroverPosix
import DroverQueue
import DroverRAG
import DroverRAGHandlers
import DroverSupervisorCore
import DroverWorker
import FoundationEssentials
import Glibc
import Logging

/// `mode: single`: one process, no Redis. The HTTP API and an in-process `JobRunner` share an
/// in-memory queue, and the runner uses the same handlers as worker processes.
enum SingleModeServer {
    /// Serves until SIGTERM/SIGINT, then drains; returns the exit code.
    static func run(settings: DroverConfiguration, logger: Logger) async -> Int32 {
        let queue = InMemoryJobQueue(policy: settings.queuePolicy)
        let cores = SupervisorConfiguration.onlineProcessorCount()
        let workerID = "single-\(getpid())"
        var configuration = WorkerConfiguration(workerID: workerID)
        // As many jobs at once as the same settings would run across a multi-mode pool.
        configuration.concurrency = settings.supervisor.concurrency * settings.supervisor.resolvedWorkers(onlineProcessors: cores)
        // The RAG pipeline over an in-memory store: the same handlers as workers, nothing kept across restarts.
        let ragStore = InMemoryRAGStore()
        let rag = RAGEngine(store: ragStore, configuration: RAGWorkerSetup.configuration(settings))
        let handlers = HandlerRegistry.handlers.merging(RAGHandlers.make(engine: rag)) { registered, _ in registered }
        configuration.types = JobType.allCases.filter { handlers[$0] != nil }
        let runner = JobRunner(queue: queue, handlers: handlers, configuration: configuration, logger: logger)
        let started = ContinuousClock.now
        let pid = getpid()
        let poolStatus: @Sendable () async -> PoolStatus = {
            let stats = runner.stats.snapshot
            let uptime = ContinuousClock.now - started
            let rss = ProcessStats.residentBytes(of: pid).map { Double($0) / 1_048_576 } ?? 0
            return PoolStatus(mode: "single", desiredWorkers: 1, workers: [
                WorkerStatus(
                    id: workerID, pid: pid, state: "ready", activeJobs: stats.activeJobs,
                    completedJobs: stats.completedJobs, failedJobs: stats.failedJobs, avgLatencyMs: stats.averageLatencyMs,
                    memoryUsageMB: rss, uptimeSeconds: Double(uptime.components.seconds), lastHeartbeatAgoMs: 0),
            ])
        }
        let http: HTTPEndpoint
        do {
            http = try await HTTPEndpoint.start(
                settings: settings, queue: queue, poolStatus: poolStatus,
                documentState: { await ragStore.documentState($0)?.json }, logger: logger)
        } catch {
            printError("drover serve: http.listen \(settings.http.listen): \(error)")
            return 1
        }
        let signals = SignalWatcher([SIGTERM, SIGINT]) { _ in
            http.beginDrain()
            runner.drain()
        }
        logger.info("single mode running", metadata: ["pid": "\(pid)", "concurrency": "\(configuration.concurrency)"])
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Leases of jobs whose attempt outlived its timeout come back, as a supervisor would do.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    _ = try? await queue.reapExpiredLeases()
                }
            }
            await runner.run()
            group.cancelAll()
        }
        signals.cancel()
        await http.stop()
        logger.info("single mode stopped")
        return 0
    }
}
