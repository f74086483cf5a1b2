// Spare workers: booted ahead of need, so a replacement is a message, not a process start.
//
// A cold worker costs its process start-up (loading the executable, the Swift runtime, the
// configuration, connecting to Redis): tens of milliseconds in which a crashed slot serves
// nothing. A spare has paid that already. It sits in `standby`, heartbeating but reserving
// nothing, until `spawn(slotAt:)` needs a worker; then it is given the slot and told to
// `activate`, and its `ready` answer makes it the slot's worker like any other. A new spare
// is started behind it at once.
extension SupervisorCore {
    /// The standby spare to promote next: booted under the policy in force.
    func promotableSpareIndex() -> Int? {
        workers.firstIndex { worker in
            worker.slot.isSpare && worker.state == .standby && worker.policyGeneration == policyGeneration
        }
    }

    /// Gives the spare at `j` the slot at `s`; it counts as starting until it says ready.
    mutating func promote(spareAt j: Int, toSlotAt s: Int, now: Instant) {
        workers[j].slot = slots[s].id
        workers[j].state = .starting(since: now)
        workers[j].spawnedAt = now
        slots[s].current = workers[j].id
        slots[s].respawnAt = nil
        log(.info, "spare takes slot \(slots[s].id)", workers[j].metadata)
        emit(.send(workers[j].id, .activate))
    }

    /// A spare finished booting: it waits for a slot.
    mutating func spareReady(workerAt i: Int, now: Instant) {
        guard case .starting = workers[i].state else { return }
        workers[i].state = .standby
        workers[i].readyAt = now
        log(.info, "spare ready", workers[i].metadata)
    }

    /// A spare left before it was given a slot. Unless it was asked to, that is a failure,
    /// throttled like a slot's so a spare that cannot boot never spins.
    mutating func spareExited(_ worker: WorkerRecord, outcome: WorkerExit.Outcome, expected: Bool, now: Instant) {
        guard case .running = phase, !expected else { return }
        if outcome == .configurationInvalid {
            spares.haltedReason = "bad configuration (exit \(WorkerExitCode.configurationInvalid.rawValue))"
            log(.critical, "spare worker reports bad configuration; no spares until a reload", worker.metadata)
            return
        }
        let delay = spares.history.recordFailure(
            at: now, workerStartedAt: worker.spawnedAt, bootFailure: outcome == .bootFailed || worker.readyAt == nil,
            policy: policy.restart)
        if delay > 0 {
            spares.respawnAt = now + delay
            log(.warning, "spare workers are failing; next spare in \(delay) ms", worker.metadata)
        }
    }

    /// Starts spares until `policy.spareWorkers` are booting or waiting. Only once the pool has
    /// announced readiness: at start-up the slots come first.
    mutating func replenishSpares(now: Instant) {
        guard case .running = phase, readyAnnounced, spares.haltedReason == nil, policy.spareWorkers > 0 else { return }
        if let due = spares.respawnAt {
            guard due <= now else { return }
            spares.respawnAt = nil
        }
        let waiting = workers.filter { worker in
            guard worker.slot.isSpare, worker.policyGeneration == policyGeneration else { return false }
            switch worker.state {
            case .starting, .standby: return true
            default: return false
            }
        }.count
        for _ in stride(from: waiting, to: policy.spareWorkers, by: 1) {
            spawnWorker(in: .spare, now: now)
        }
    }

    /// After a reload, spares booted under the old policy drain; new ones replace them.
    mutating func retireStaleSpares(now: Instant) {
        spares.haltedReason = nil
        spares.respawnAt = nil
        spares.history.reset()
        for i in workers.indices where workers[i].slot.isSpare && workers[i].state.isLive
            && workers[i].policyGeneration < policyGeneration {
            beginDrain(workerAt: i, reason: .reload, deadline: now + policy.drainTimeoutMs, now: now)
        }
    }
}
