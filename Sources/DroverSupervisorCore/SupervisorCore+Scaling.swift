// The pool's size: `drover scale`, SIGTTIN/SIGTTOU, `drover drain`.
extension SupervisorCore {
    var desiredWorkers: Int { slots.filter { !$0.retiring }.count }

    mutating func scale(to count: Int, now: Instant) throws(SupervisorCoreError) {
        guard case .running = phase else {
            throw SupervisorCoreError(.wrongState, "cannot scale: the supervisor is \(phaseName)")
        }
        guard count >= policy.minWorkers && count <= policy.maxWorkers else {
            throw SupervisorCoreError(.outOfRange, "cannot scale to \(count) workers: allowed \(policy.minWorkers)…\(policy.maxWorkers) (minWorkers…maxWorkers)")
        }
        autoscaler.noteOperatorStep(at: now)
        resize(to: count, now: now)
    }

    mutating func scaleBySignal(by delta: Int, name: String, now: Instant) {
        do {
            try scale(to: desiredWorkers + delta, now: now)
        } catch {
            log(.warning, "\(name) ignored: \(error.message)")
        }
    }

    mutating func resize(to count: Int, now: Instant) {
        let current = desiredWorkers
        guard count != current else { return }
        log(.notice, "scaling from \(current) to \(count) workers")
        if count > current {
            for _ in current..<count {
                let used = Set(slots.map(\.id.number))
                let number = (1...).first { !used.contains($0) }!
                slots.append(SlotRecord(id: SlotID(number)))
                slots.sort { $0.id < $1.id }
                spawn(slotAt: slotIndex(SlotID(number))!, now: now)
            }
        } else {
            // Degraded slots go first (they serve nothing), then the highest numbers.
            let victims = slots.filter { !$0.retiring }
                .sorted { ($0.isDegraded ? 1 : 0, $0.id.number) > ($1.isDegraded ? 1 : 0, $1.id.number) }
                .prefix(current - count)
                .map(\.id)
            for slot in victims {
                retire(slotAt: slotIndex(slot)!, now: now)
            }
        }
    }

    /// Drains every worker of the slot without replacement; the slot goes once they have.
    mutating func retire(slotAt s: Int, now: Instant) {
        slots[s].retiring = true
        slots[s].respawnAt = nil
        slots[s].haltedReason = nil
        let slot = slots[s].id
        for i in workers.indices where workers[i].slot == slot && workers[i].state.isLive {
            beginDrain(workerAt: i, reason: .scaleDown, deadline: now + policy.drainTimeoutMs, now: now)
        }
    }

    mutating func drainWorker(named name: String, now: Instant) throws(SupervisorCoreError) {
        guard case .running = phase else {
            throw SupervisorCoreError(.wrongState, "cannot drain: the supervisor is \(phaseName)")
        }
        var found = workers.firstIndex { $0.id.rawValue == name && $0.state.isLive }
        if found == nil, let slot = slots.first(where: { $0.id.description == name && !$0.retiring }), let current = slot.current {
            found = liveWorkerIndex(current)
        }
        guard let i = found else {
            throw SupervisorCoreError(.unknownWorker, "no live worker or slot named '\(name)'; `drover status` lists them")
        }
        let worker = workers[i]
        guard worker.state.isReady else {
            throw SupervisorCoreError(.wrongState, "worker \(worker.id) is \(worker.state.name); only a ready worker can be drained")
        }
        guard worker.retireReason == nil else {
            throw SupervisorCoreError(.wrongState, "worker \(worker.id) is already being replaced")
        }
        beginReplacement(workerAt: i, reason: .operatorRequest, now: now)
    }

    var phaseName: String {
        switch phase {
        case .notStarted: "not started"
        case .running: "running"
        case .shuttingDown: "shutting down"
        case .exited: "stopped"
        }
    }
}
