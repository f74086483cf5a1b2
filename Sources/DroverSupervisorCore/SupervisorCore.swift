/// The supervisor's decisions: events and the time in, actions out.
///
/// It reads no clock, spawns nothing and sleeps never; the process side (an actor) feeds it
/// events as they happen, calls `tick(now:)` on a steady beat (about once a second), and performs
/// the returned actions in order. Everything it decides is therefore a plain function of its
/// inputs, which is what lets the tests replay minutes of crashes in microseconds.
public struct SupervisorCore: Sendable {
    /// The numbers in force; replaced by `.reloaded`.
    public internal(set) var policy: SupervisorPolicy
    /// Prefix of every worker id, unique per supervisor run (e.g. host and pid); may be empty.
    public let instance: String
    public internal(set) var phase: SupervisorPhase = .notStarted

    /// Ordered by slot number, so every decision iterates in the same order.
    var slots: [SlotRecord] = []
    /// Ordered by spawn; offline records are kept only for the latest exit of each slot.
    var workers: [WorkerRecord] = []
    /// Per slot number, the last generation spawned; outlives the slot so ids are never reused.
    var slotGenerations: [Int: Int] = [:]
    var policyGeneration = 0
    var readyAnnounced = false
    var reload: ReloadProgress?
    var lastStatus: String?
    var lastExtendAt = Instant.zero
    var drainProgress: DrainProgress?
    var spares = SpareRecord()
    var autoscaler: Autoscaler
    /// Restarts since start, by `RestartReason` label.
    var restartsByReason: [String: Int] = [:]
    /// Actions decided during the current call; `finish` hands them out.
    var pending: [SupervisorAction] = []

    /// - Precondition: `policy.validate()` passes; the configuration layer validated it already.
    public init(policy: SupervisorPolicy, instance: String = "") {
        do {
            try policy.validate()
        } catch {
            preconditionFailure("invalid supervisor policy: \(error)")
        }
        self.policy = policy
        self.instance = instance
        self.autoscaler = Autoscaler(policy: policy.autoscale)
    }

    /// Applies one event and returns what to do about it.
    public mutating func handle(_ event: SupervisorEvent, now: Instant) -> [SupervisorAction] {
        switch event {
        case .started(let desired):
            start(desiredWorkers: desired, now: now)
        case .spawned(let id, let pid):
            spawned(id, pid: pid, now: now)
        case .spawnFailed(let id, let reason):
            spawnFailed(id, reason: reason, now: now)
        case .hello(let id):
            hello(id, now: now)
        case .ready(let id):
            ready(id, now: now)
        case .heartbeat(let id, let stats):
            heartbeat(id, stats: stats, now: now)
        case .resources(let id, let sample):
            resources(id, sample: sample, now: now)
        case .exited(let pid, let exit):
            exited(pid: pid, exit: exit, now: now)
        case .channelBroken(let id, let reason):
            channelBroken(id, reason: reason, now: now)
        case .signal(let signal):
            receive(signal, now: now)
        case .reloaded(let newPolicy, let desired):
            reloaded(newPolicy, desiredWorkers: desired, now: now)
        case .reloadFailed(let reason):
            reloadFailed(reason: reason)
        case .queueSampled(let waiting):
            autoscale(waiting: waiting, now: now)
        }
        return finish(now: now)
    }

    /// Checks every deadline (hangs, boots, drains, stop rungs, job timeouts, throttled respawns)
    /// against `now`. Call it often; a deadline is acted on at the first tick at or after it.
    public mutating func tick(now: Instant) -> [SupervisorAction] {
        checkDeadlines(now: now)
        advanceBreakers(now: now)
        spawnDueSlots(now: now)
        reportDrainProgress(now: now)
        return finish(now: now)
    }

    /// Carries out an admin request, or refuses it with a reason and changes nothing.
    public mutating func command(_ command: AdminCommand, now: Instant) throws(SupervisorCoreError) -> [SupervisorAction] {
        switch command {
        case .scale(let count):
            try scale(to: count, now: now)
        case .drain(let name):
            try drainWorker(named: name, now: now)
        }
        return finish(now: now)
    }

    private mutating func receive(_ signal: SupervisorSignal, now: Instant) {
        switch signal {
        case .terminate, .interrupt:
            beginShutdown(now: now)
        case .hangup:
            requestReload()
        case .moreWorkers:
            scaleBySignal(by: 1, name: "SIGTTIN", now: now)
        case .fewerWorkers:
            scaleBySignal(by: -1, name: "SIGTTOU", now: now)
        }
    }

    /// Common end of every entry point: consequences that depend on the whole pool.
    mutating func finish(now: Instant) -> [SupervisorAction] {
        removeEmptyRetiredSlots()
        if case .running = phase {
            advanceRollout(now: now)
            announceReadiness()
            replenishSpares(now: now)
        }
        var exitNow = false
        if case .shuttingDown = phase, !workers.contains(where: { $0.state.isLive }) {
            phase = .exited
            log(.notice, "all workers gone; exiting")
            exitNow = true
        }
        let line = statusLine(now: now)
        if line != lastStatus {
            lastStatus = line
            emit(.notify(.status(line)))
        }
        if exitNow {
            emit(.exit(code: 0))
        }
        defer { pending.removeAll() }
        return pending
    }

    mutating func emit(_ action: SupervisorAction) {
        pending.append(action)
    }

    mutating func log(_ level: LogLevel, _ message: String, _ metadata: [String: String] = [:]) {
        pending.append(.log(level, message, metadata: metadata))
    }

    func liveWorkerIndex(_ id: WorkerID) -> Int? {
        workers.firstIndex { $0.id == id && $0.state.isLive }
    }

    func slotIndex(_ id: SlotID) -> Int? {
        slots.firstIndex { $0.id == id }
    }

    func slotHasReadyWorker(_ id: SlotID) -> Bool {
        workers.contains { $0.slot == id && $0.state.isReady }
    }
}
