import DroverSupervisorCore

/// Drives a `SupervisorCore` with a fake clock and plays the process side's part by hand:
/// pids are handed out on request, and every action is recorded for later questions.
struct SimulatedPool {
    var core: SupervisorCore
    var now = Instant(milliseconds: 1_000_000)
    var nextPID: Int32 = 1_000
    var pids: [WorkerID: Int32] = [:]
    /// Every worker id a `.spawn` action named, in order, with the time.
    var spawns: [(id: WorkerID, at: Instant)] = []
    var notices: [SystemdNotice] = []
    var exitCode: Int32?
    var all: [SupervisorAction] = []

    init(_ policy: SupervisorPolicy = .testing, instance: String = "") {
        core = SupervisorCore(policy: policy, instance: instance)
    }

    /// The actions that do something: logs and STATUS= lines left out (those are checked apart).
    @discardableResult
    mutating func record(_ actions: [SupervisorAction]) -> [SupervisorAction] {
        all += actions
        for action in actions {
            switch action {
            case .spawn(_, let id): spawns.append((id, now))
            case .notify(let notice): notices.append(notice)
            case .exit(let code): exitCode = code
            default: break
            }
        }
        return actions.filter { action in
            if action.isLog { return false }
            if case .notify(.status) = action { return false }
            return true
        }
    }

    @discardableResult
    mutating func handle(_ event: SupervisorEvent) -> [SupervisorAction] {
        record(core.handle(event, now: now))
    }

    @discardableResult
    mutating func tick() -> [SupervisorAction] {
        record(core.tick(now: now))
    }

    /// Moves the clock and ticks once.
    @discardableResult
    mutating func advance(by milliseconds: Int64) -> [SupervisorAction] {
        now = now + milliseconds
        return tick()
    }

    @discardableResult
    mutating func command(_ command: AdminCommand) throws(SupervisorCoreError) -> [SupervisorAction] {
        record(try core.command(command, now: now))
    }

    /// Answers a `.spawn` with a fresh pid.
    @discardableResult
    mutating func spawned(_ id: WorkerID) -> [SupervisorAction] {
        let pid = nextPID
        nextPID += 1
        pids[id] = pid
        return handle(.spawned(id, pid: pid))
    }

    /// Spawned, hello, ready: the happy path of one worker's boot.
    @discardableResult
    mutating func boot(_ id: WorkerID) -> [SupervisorAction] {
        var actions = spawned(id)
        actions += handle(.hello(id))
        actions += handle(.ready(id))
        return actions
    }

    /// Starts the pool and boots every worker; returns their ids.
    @discardableResult
    mutating func start(workers count: Int) -> [WorkerID] {
        handle(.started(desiredWorkers: count))
        let ids = spawns.map(\.id)
        for id in ids { boot(id) }
        return ids
    }

    @discardableResult
    mutating func exit(_ id: WorkerID, _ exit: WorkerExit) -> [SupervisorAction] {
        handle(.exited(pid: pids[id]!, exit))
    }

    @discardableResult
    mutating func heartbeat(_ id: WorkerID, _ stats: HeartbeatStats = HeartbeatStats()) -> [SupervisorAction] {
        handle(.heartbeat(id, stats))
    }

    /// Heartbeats every live, connected worker, as a healthy pool would.
    mutating func heartbeatAll() {
        for worker in snapshot.workers where worker.state.isLive && worker.pid != nil {
            if case .starting = worker.state { continue }
            heartbeat(worker.id, worker.stats ?? HeartbeatStats())
        }
    }

    var snapshot: SupervisorSnapshot { core.snapshot(now: now) }

    var status: String { snapshot.statusLine }

    func current(_ slot: Int) -> WorkerID {
        snapshot.slots.first { $0.id == SlotID(slot) }!.currentWorker!
    }

    func state(_ id: WorkerID) -> WorkerState? {
        snapshot.workers.first { $0.id == id }?.state
    }

    func pid(_ id: WorkerID) -> Int32 { pids[id]! }
}

extension WorkerID {
    /// `"w1.2"` in tests reads better than `WorkerID(rawValue: "w1.2")`.
    static func id(_ raw: String) -> WorkerID { WorkerID(rawValue: raw) }
}

extension SupervisorPolicy {
    /// Round numbers so that every expected time in a spec can be read off at a glance.
    static var testing: SupervisorPolicy {
        var policy = SupervisorPolicy()
        policy.minWorkers = 1
        policy.maxWorkers = 4
        policy.concurrency = 3
        policy.heartbeatIntervalMs = 5_000
        policy.hangTimeoutMs = 30_000
        policy.bootTimeoutMs = 20_000
        policy.abortGraceMs = 5_000
        policy.stopGraceMs = 3_000
        policy.killGraceMs = 2_000
        policy.maxMemoryBytes = 512 << 20
        policy.hardMemoryFactor = 1.5
        policy.drainTimeoutMs = 30_000
        policy.jobCancelGraceMs = 10_000
        policy.restart = RestartPolicy(intensity: 5, periodMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 30_000)
        return policy
    }
}
