// Spawning workers, their first words, and what happens when one ends.
extension SupervisorCore {
    mutating func start(desiredWorkers desired: Int, now: Instant) {
        guard case .notStarted = phase else {
            log(.warning, "started twice; ignored")
            return
        }
        phase = .running
        let count = policy.clampedWorkers(desired)
        if count != desired {
            log(.warning, "\(desired) workers is outside \(policy.minWorkers)…\(policy.maxWorkers); starting \(count)")
        }
        for number in stride(from: 1, through: count, by: 1) {
            slots.append(SlotRecord(id: SlotID(number)))
            spawn(slotAt: slots.count - 1, now: now)
        }
    }

    /// Gives the slot a new worker, the slot's `current` moves to it: a waiting spare if there
    /// is one, else a fresh process.
    mutating func spawn(slotAt s: Int, now: Instant) {
        if let j = promotableSpareIndex() {
            promote(spareAt: j, toSlotAt: s, now: now)
            return
        }
        slots[s].current = spawnWorker(in: slots[s].id, now: now)
        slots[s].respawnAt = nil
    }

    /// Makes the next worker id for `slot` and asks for the process.
    @discardableResult
    mutating func spawnWorker(in slot: SlotID, now: Instant) -> WorkerID {
        let generation = (slotGenerations[slot.number] ?? 0) + 1
        slotGenerations[slot.number] = generation
        let local = "\(slot).\(generation)"
        let id = WorkerID(rawValue: instance.isEmpty ? local : "\(instance)-\(local)")
        workers.append(WorkerRecord(
            id: id, slot: slot, policyGeneration: policyGeneration, spawnedAt: now,
            state: .starting(since: now), lastHeardAt: now))
        emit(.spawn(slot, id))
        return id
    }

    mutating func spawned(_ id: WorkerID, pid: Int32, now: Instant) {
        guard let i = liveWorkerIndex(id) else {
            log(.error, "spawned an unknown worker; killing it", ["worker": id.rawValue, "pid": "\(pid)"])
            emit(.signal(pid: pid, .kill))
            return
        }
        workers[i].pid = pid
        // The pool may have changed its mind while the spawn was in flight.
        switch workers[i].state {
        case .stopping(let rung, _, _):
            emit(.signal(pid: pid, rung == .aborted ? .abort : .kill))
        case .draining:
            emit(.signal(pid: pid, .terminate))
        default:
            break
        }
    }

    mutating func spawnFailed(_ id: WorkerID, reason: String, now: Instant) {
        guard let i = liveWorkerIndex(id) else {
            log(.warning, "spawn failure for an unknown worker: \(reason)", ["worker": id.rawValue])
            return
        }
        let worker = workers.remove(at: i)
        log(.error, "could not spawn worker: \(reason)", worker.metadata)
        guard let s = slotIndex(worker.slot), slots[s].current == worker.id else { return }
        slots[s].current = nil
        slots[s].lastFailure = "spawn failed: \(reason)"
        guard case .running = phase, !slots[s].retiring else { return }
        // No process ever ran, so this is a boot failure: back off from the first one.
        scheduleRespawn(slotAt: s, worker: worker, bootFailure: true, now: now)
    }

    mutating func hello(_ id: WorkerID, now: Instant) {
        guard let i = liveWorkerIndex(id) else {
            log(.warning, "hello from an unknown worker", ["worker": id.rawValue])
            return
        }
        workers[i].connected = true
        workers[i].lastHeardAt = now
    }

    mutating func ready(_ id: WorkerID, now: Instant) {
        guard let i = liveWorkerIndex(id) else {
            log(.warning, "ready from an unknown worker", ["worker": id.rawValue])
            return
        }
        workers[i].connected = true
        workers[i].lastHeardAt = now
        if workers[i].slot.isSpare {
            spareReady(workerAt: i, now: now)
            return
        }
        // A worker told to drain or stop while booting stays that way.
        guard case .starting = workers[i].state else { return }
        workers[i].state = .idle
        workers[i].readyAt = now
        let worker = workers[i]
        log(.info, "worker ready", worker.metadata)
        guard let s = slotIndex(worker.slot), slots[s].current == worker.id else { return }
        // The workers this one replaces waited for exactly this moment, so capacity never dipped.
        for j in workers.indices where workers[j].slot == worker.slot && workers[j].id != worker.id {
            if let reason = workers[j].retireReason, workers[j].state.isReady {
                beginDrain(workerAt: j, reason: reason, deadline: now + policy.drainTimeoutMs, now: now)
            }
        }
    }

    mutating func exited(pid: Int32, exit: WorkerExit, now: Instant) {
        guard let i = workers.firstIndex(where: { $0.pid == pid && $0.state.isLive }) else {
            log(.warning, "exit of an unknown process (\(exit))", ["pid": "\(pid)"])
            return
        }
        let worker = workers[i]
        var stopReason: StopReason?
        let countingAttempt: Bool
        if case .stopping(_, let reason, _) = worker.state {
            stopReason = reason
            countingAttempt = reason.countsAttempt
        } else {
            countingAttempt = exit.outcome == .crashed
        }
        // In the same moment as the exit: the jobs must not wait for lease expiry.
        emit(.requeueLeases(worker.id, countingAttempt: countingAttempt))
        workers[i].state = .offline(exit, at: now)
        workers[i].jobWatches = []
        // Keep only this latest exit for the slot, so the list cannot grow without bound.
        workers.removeAll { $0.slot == worker.slot && !$0.state.isLive && $0.id != worker.id }

        let expected = exit.outcome == .drained && stopReason == nil && isDraining(worker.state)
        let cause = stopReason.map { "\(exit), \($0)" } ?? "\(exit)"
        log(expected ? .info : .error, expected ? "worker drained and exited" : "worker exited (\(cause))", worker.metadata)
        if worker.slot.isSpare {
            spareExited(worker, outcome: exit.outcome, expected: expected, now: now)
            return
        }

        // The same rule that counts the jobs' attempt blames the worker: a crash or a forced stop it caused.
        if countingAttempt, case .running = phase {
            recordBreakerFailure(slot: worker.slot, cause: "worker \(worker.id) \(cause)", now: now)
        }
        guard let s = slotIndex(worker.slot), slots[s].current == worker.id else { return }
        slots[s].current = nil
        guard case .running = phase, !slots[s].retiring else { return }
        slots[s].lastFailure = cause
        // A bad configuration halts the slot instead: nothing restarts until a reload.
        if exit.outcome != .configurationInvalid {
            restartsByReason[RestartReason.forExit(stop: stopReason, outcome: exit.outcome), default: 0] += 1
        }
        switch exit.outcome {
        case .configurationInvalid:
            slots[s].haltedReason = "bad configuration (exit \(WorkerExitCode.configurationInvalid.rawValue))"
            log(.critical, "worker reports bad configuration; not respawning this slot until a reload", worker.metadata)
        case .bootFailed:
            scheduleRespawn(slotAt: s, worker: worker, bootFailure: true, now: now)
        case .crashed, .drained:
            // A current worker that leaves on its own, even cleanly, is a failure for throttling:
            // otherwise a worker that exits 0 at once would respawn in a loop.
            scheduleRespawn(slotAt: s, worker: worker, bootFailure: stopReason == .bootTimedOut, now: now)
        }
    }

    mutating func scheduleRespawn(slotAt s: Int, worker: WorkerRecord, bootFailure: Bool, now: Instant) {
        let delay = slots[s].history.recordFailure(
            at: now, workerStartedAt: worker.spawnedAt, bootFailure: bootFailure, policy: policy.restart)
        if delay == 0 {
            spawn(slotAt: s, now: now)
        } else {
            slots[s].respawnAt = now + delay
            log(.warning, "slot \(slots[s].id) is restarting too often; next spawn in \(delay) ms", worker.metadata)
        }
    }

    mutating func spawnDueSlots(now: Instant) {
        guard case .running = phase else { return }
        for s in slots.indices {
            if let due = slots[s].respawnAt, due <= now, !slots[s].retiring, slots[s].haltedReason == nil {
                spawn(slotAt: s, now: now)
            }
        }
    }

    /// Drops slots that a scale-down emptied, with their last exit records.
    mutating func removeEmptyRetiredSlots() {
        let empty = Set(slots.filter { slot in
            slot.retiring && !workers.contains { $0.slot == slot.id && $0.state.isLive }
        }.map(\.id))
        guard !empty.isEmpty else { return }
        slots.removeAll { empty.contains($0.id) }
        workers.removeAll { empty.contains($0.slot) }
    }

    private func isDraining(_ state: WorkerState) -> Bool {
        if case .draining = state { return true }
        return false
    }
}
