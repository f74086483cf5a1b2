import DroverControl
import DroverControlSocket
import DroverPosix
import DroverQueue
import Glibc
import Logging
import Synchronization

/// A worker's side of the control channel to its supervisor: hello, ready, heartbeats from a
/// thread of their own, and the supervisor's drain/stop/cancel commands.
public final class WorkerControlSession: Sendable {
    let endpoint: WorkerEndpoint
    let runner: JobRunner
    let queue: any JobQueue
    let workerID: String
    let logger: Logger
    let started = ContinuousClock.now
    let timer: Mutex<HeartbeatTimer?> = Mutex(nil)
    let cpu = Mutex((ticks: 0, at: ContinuousClock.now))
    let finishing = Mutex(false)
    let activation = Mutex(Activation.notAsked)
    let cacheSource = Mutex<(@Sendable () -> CacheCounts)?>(nil)

    /// A spare's wait for its slot: `activate` ends it with true, a drain or stop with false.
    enum Activation {
        case notAsked
        case waiting(CheckedContinuation<Bool, Never>)
        case ended(Bool)
    }

    /// Adopts the channel the supervisor passed (`DROVER_CONTROL_FD`), or nil when there is none
    /// (a worker started by hand or by `drover bench`).
    public static func inherited(runner: JobRunner, queue: any JobQueue, workerID: String, logger: Logger) throws -> WorkerControlSession? {
        guard getenv(ControlProtocol.fileDescriptorEnvironmentKey) != nil else { return nil }
        let endpoint = try WorkerEndpoint.inherited()
        return WorkerControlSession(endpoint: endpoint, runner: runner, queue: queue, workerID: workerID, logger: logger)
    }

    init(endpoint: WorkerEndpoint, runner: JobRunner, queue: any JobQueue, workerID: String, logger: Logger) {
        self.endpoint = endpoint
        self.runner = runner
        self.queue = queue
        self.workerID = workerID
        self.logger = logger
    }

    /// Waits, as a spare (`DROVER_STANDBY`), until the supervisor gives this worker a slot.
    ///
    /// - Returns: `true` once activated; `false` if told to drain first (there is nothing to run).
    public func waitForActivation() async -> Bool {
        await withCheckedContinuation { continuation in
            activation.withLock { state in
                if case .ended(let activated) = state {
                    continuation.resume(returning: activated)
                } else {
                    state = .waiting(continuation)
                }
            }
        }
    }

    /// Adds the RAG cache's counters to every heartbeat from now on.
    public func reportCacheCounts(from source: @escaping @Sendable () -> CacheCounts) {
        cacheSource.withLock { $0 = source }
    }

    /// Stops reserving and lets running jobs finish; a spare still waiting for its slot gives up.
    public func drain() {
        runner.drain()
        endStandby(activated: false)
    }

    private func endStandby(activated: Bool) {
        let waiter: CheckedContinuation<Bool, Never>? = activation.withLock { state in
            defer { state = .ended(activated) }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume(returning: activated)
    }

    /// Says hello, then ready, starts heartbeats, and obeys the supervisor until the channel closes.
    public func start(concurrency: Int, heartbeatInterval: Duration) throws {
        try endpoint.send(.hello(WorkerHello(workerID: workerID, pid: getpid(), concurrency: concurrency)))
        try endpoint.send(.ready)
        let beat = try HeartbeatTimer(interval: heartbeatInterval) { [self] in
            try? endpoint.send(.heartbeat(heartbeat()))
        }
        timer.withLock { $0 = beat }
        Task { await obey() }
    }

    /// Tells the supervisor the worker is done; called right before exit 0.
    public func finish() {
        finishing.withLock { $0 = true }
        timer.withLock { $0?.stop() }
        try? endpoint.send(.drained)
        endpoint.close()
    }

    private func obey() async {
        do {
            for try await message in endpoint.messages {
                switch message {
                case .drain:
                    try? endpoint.send(.draining)
                    drain()
                case .activate:
                    // Ready before the loop's first reserve: the connections are open already.
                    try? endpoint.send(.ready)
                    endStandby(activated: true)
                case .stop:
                    await handBackAndExit(reason: "the supervisor asked it to stop")
                case .cancelJob(let id):
                    runner.cancel(id, reason: "cancelled by the supervisor: past its timeout")
                case .reload:
                    logger.info("reload requested; nothing to reload in a worker yet")
                case .heartbeatInterval(let ms):
                    if ms > 0 { timer.withLock { $0?.setInterval(.milliseconds(ms)) } }
                }
            }
            if !finishing.withLock({ $0 }) { await handBackAndExit(reason: "the supervisor closed the control channel") }
        } catch {
            if !finishing.withLock({ $0 }) { await handBackAndExit(reason: "the control channel failed: \(error)") }
        }
    }

    /// Gives up at once: stops reserving, puts every job this worker holds back on the queue
    /// (the attempt does not count: the job did nothing wrong), and exits. A result that races
    /// in after this is refused by its fencing token, so the job runs once more, elsewhere.
    public func abandon(reason: String) {
        Task { await handBackAndExit(reason: reason) }
    }

    private func handBackAndExit(reason: String) async {
        logger.warning("handing leases back and exiting", metadata: ["reason": "\(reason)"])
        // Nothing may lease after the hand-back: its own wake would end our blocking wait, which
        // could take a job just put back and leave with it.
        await runner.stopLeasing()
        do {
            let moved = try await queue.requeueLeases(ofWorker: workerID, countingAttempt: false)
            logger.info("leases handed back", metadata: ["jobs": "\(moved)"])
        } catch {
            logger.error("could not hand leases back; they will expire", metadata: ["error": "\(error)"])
        }
        exit(0)
    }

    private func heartbeat() -> WorkerHeartbeat {
        let stats = runner.stats.snapshot
        let pid = getpid()
        let sample = ProcessStats.sample(of: pid)
        let rss = Double(sample?.residentBytes ?? 0) / 1_048_576
        let ticks = sample?.cpuTicks ?? 0
        let now = ContinuousClock.now
        let percent: Double = cpu.withLock { last in
            let seconds = (now - last.at).inSeconds
            defer { last = (ticks, now) }
            guard seconds > 0 else { return 0 }
            return Double(ticks - last.ticks) / Double(ProcessStats.clockTicksPerSecond) / seconds * 100
        }
        // The ids fit the control protocol's frame even at high concurrency: the first 500 are enough
        // for the supervisor to find an overrun; activeJobs still counts them all.
        let running = runner.running.report(now: now).prefix(500)
        var beat = WorkerHeartbeat(
            activeJobs: stats.activeJobs, completedJobs: stats.completedJobs, failedJobs: stats.failedJobs,
            avgLatencyMs: stats.averageLatencyMs, memoryUsageMB: rss, cpuPercent: max(0, percent),
            uptimeSeconds: (now - started).inSeconds, activeJobIDs: running.map(\.id.rawValue),
            activeJobElapsedMs: running.map(\.elapsedMs), activeJobTimeoutMs: running.map(\.timeoutMs))
        if let source = cacheSource.withLock({ $0 }) { beat.cache = source() }
        return beat
    }
}
