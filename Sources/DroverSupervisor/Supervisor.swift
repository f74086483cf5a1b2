import DroverControl
import DroverControlSocket
import DroverPosix
import DroverQueue
import DroverSupervisorCore
import DroverSystemd
import Logging
import Synchronization

/// The supervisor process: feeds every event (child exits, control messages, signals, the clock)
/// to the pure `SupervisorCore`, one at a time, and carries out the actions it returns.
///
/// Everything arrives through one stream, so the core sees events in a single order and no two
/// are handled at once; the actor only awaits inside an action (a spawn, a requeue).
public actor Supervisor {
    /// One thing for the loop to handle.
    enum Input: Sendable {
        case event(SupervisorEvent)
        case tick
        case admin(AdminCommand, CheckedContinuation<Result<String, SupervisorCoreError>, Never>)
        /// Telemetry that decides nothing (the RAG cache counts), kept beside the core for status.
        case cacheCounts(WorkerID, CacheCounts)
    }

    var core: SupervisorCore
    let settings: SupervisorSettings
    let queue: any JobQueue
    let notifier: SystemdNotifier
    let reloader: (any SupervisorReloader)?
    let watcher: ChildWatcher
    let logger: Logger
    let clockStart = ContinuousClock.now
    let inputs: AsyncStream<Input>
    let post: AsyncStream<Input>.Continuation
    var endpoints: [WorkerID: SupervisorEndpoint] = [:]
    var pids: [WorkerID: Int32] = [:]
    var cpuTicks: [Int32: (ticks: Int, at: ContinuousClock.Instant)] = [:]
    var cacheCounts: [WorkerID: CacheCounts] = [:]
    var lastWatchdog = ContinuousClock.now
    var lastSample = ContinuousClock.now
    var lastDepthSample = ContinuousClock.now
    /// The autoscaler's sample in flight, so a slow Redis never stacks them up.
    var depthSampling: Task<Void, Never>?
    /// Lease requeues running beside the loop (see `requeueInBackground`).
    var requeues: [UInt64: Task<Void, Never>] = [:]
    var requeueCount: UInt64 = 0
    var lastStatusWording = ""
    var exitCode: Int32?
    /// The sticky router over the pool as the core last saw it; read from any thread by `route(userID:)`.
    let router = Mutex(StickyRouter(candidates: []))
    /// Distributed mode: the other hosts' routable workers, as the last registry beat read them.
    var remoteCandidates: [RouteCandidate] = []
    /// Dead hosts whose sticky queues were released; the next beat forgets them.
    var recoveredHosts: [String] = []
    var lastBeat = ContinuousClock.now
    /// The registry beat in flight, so a slow Redis never stacks them up.
    var beating: Task<Void, Never>?
    /// Registry entries already reported as unreadable, so each is logged once, not every beat.
    var rejectedEntries: Set<String> = []
    /// The last registry beat failed: the next failure is not logged again.
    var registryFailing = false

    public init(
        policy: SupervisorPolicy, settings: SupervisorSettings, queue: any JobQueue, notifier: SystemdNotifier,
        reloader: (any SupervisorReloader)?, watcher: ChildWatcher, logger: Logger
    ) {
        self.core = SupervisorCore(policy: policy, instance: settings.instance)
        self.settings = settings
        self.queue = queue
        self.notifier = notifier
        self.reloader = reloader
        self.watcher = watcher
        self.logger = logger
        (inputs, post) = AsyncStream.makeStream(of: Input.self)
    }

    /// Delivers a signal the process received (from a signal watcher on another thread).
    public nonisolated func deliver(_ signal: SupervisorSignal) {
        post.yield(.event(.signal(signal)))
    }

    /// Runs an admin command in the loop's order; returns a message, or the core's refusal.
    public nonisolated func admin(_ command: AdminCommand) async -> Result<String, SupervisorCoreError> {
        await withCheckedContinuation { continuation in
            post.yield(.admin(command, continuation))
        }
    }

    /// Runs until the core says to exit; returns the exit code.
    public func run() async -> Int32 {
        let exits = watcher.exits()
        await withDiscardingTaskGroup { group in
            group.addTask { [post] in
                for await exit in exits {
                    // An exit we could not read (reaped elsewhere) still ends the worker: call it a crash.
                    let ended = (try? exit.result.get()).map(Self.workerExit) ?? .signaled(signal: 9)
                    post.yield(.event(.exited(pid: exit.pid, ended)))
                }
            }
            group.addTask { [post, settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.tickInterval)
                    post.yield(.tick)
                }
            }
            await perform(core.handle(.started(desiredWorkers: settings.desiredWorkers), now: now()))
            for await input in inputs {
                switch input {
                case .event(let event):
                    if case .exited(let pid, let exit) = event, let id = pids.first(where: { $0.value == pid })?.key {
                        logger.info("worker exited", metadata: ["worker": "\(id)", "pid": "\(pid)", "exit": "\(exit)"])
                    }
                    await perform(core.handle(event, now: now()))
                case .tick:
                    await perform(core.tick(now: now()))
                    pingWatchdog()
                    sampleQueueDepthIfDue()
                    beatRegistryIfDue()
                    // /proc is read on the tick too, so an idle supervisor wakes once per tick, not twice.
                    if ContinuousClock.now - lastSample >= settings.sampleInterval - settings.tickInterval / 2 {
                        lastSample = ContinuousClock.now
                        await sampleResources()
                    }
                case .cacheCounts(let id, let counts):
                    if endpoints[id] != nil { cacheCounts[id] = counts }
                case .admin(let command, let reply):
                    let result: Result<[SupervisorAction], SupervisorCoreError>
                    do throws(SupervisorCoreError) {
                        result = .success(try core.command(command, now: now()))
                    } catch {
                        result = .failure(error)
                    }
                    reply.resume(returning: result.map { _ in "ok" })
                    if case .success(let actions) = result { await perform(actions) }
                }
                if exitCode != nil { break }
            }
            group.cancelAll()
        }
        for endpoint in endpoints.values { endpoint.close() }
        await finishRequeues(within: .seconds(10))
        return exitCode ?? 0
    }

    func now() -> Instant {
        Instant(milliseconds: (ContinuousClock.now - clockStart).inMilliseconds)
    }

    /// WATCHDOG=1 from the loop itself: if the loop stalls, systemd stops hearing from us.
    private func pingWatchdog() {
        guard let interval = notifier.watchdogPingInterval else { return }
        let now = ContinuousClock.now
        if now - lastWatchdog >= interval {
            lastWatchdog = now
            do {
                try notifier.watchdog()
            } catch {
                logger.warning("watchdog ping failed", metadata: ["error": "\(error)"])
            }
        }
    }

    static func workerExit(_ exit: ProcessExit) -> WorkerExit {
        switch exit {
        case .exited(let code): return .exited(code: code)
        case .signaled(let signal, _): return .signaled(signal: signal.rawValue)
        }
    }
}
