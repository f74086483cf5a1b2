// SIGHUP: reload the configuration, then replace the workers one slot at a time.
extension SupervisorCore {
    mutating func requestReload() {
        guard case .running = phase else {
            log(.info, "SIGHUP ignored: the supervisor is \(phaseName)")
            return
        }
        guard reload == nil else {
            log(.notice, "SIGHUP ignored: a reload is already under way")
            return
        }
        reload = .awaitingConfiguration
        emit(.notify(.reloading))
        emit(.reloadConfiguration)
    }

    mutating func reloaded(_ newPolicy: SupervisorPolicy, desiredWorkers desired: Int?, now: Instant) {
        guard case .running = phase else { return }
        if reload == nil {
            // Reloaded without a SIGHUP (e.g. from the admin socket): systemd still hears about it.
            emit(.notify(.reloading))
        }
        do {
            try newPolicy.validate()
        } catch {
            log(.error, "reloaded configuration refused, keeping the old one: \(error.message)")
            reload = nil
            emit(.notify(.ready))
            return
        }
        policy = newPolicy
        autoscaler.policy = newPolicy.autoscale
        policyGeneration += 1
        reload = .rolling
        retireStaleSpares(now: now)
        // The new configuration may be the fix, so halted and throttled slots get a fresh start.
        for s in slots.indices where !slots[s].retiring && slots[s].current == nil {
            slots[s].haltedReason = nil
            slots[s].history.reset()
            spawn(slotAt: s, now: now)
        }
        resize(to: policy.clampedWorkers(desired ?? desiredWorkers), now: now)
        log(.notice, "configuration reloaded; replacing workers one by one")
    }

    mutating func reloadFailed(reason: String) {
        log(.error, "configuration reload failed, keeping the old one: \(reason)")
        guard reload != nil else { return }
        reload = nil
        emit(.notify(.ready))
    }

    /// Starts the next slot's replacement once the previous one is ready; announces the end.
    mutating func advanceRollout(now: Instant) {
        guard reload == .rolling else { return }
        // One at a time: wait while a replacement is booting, unless its slot is throttled or
        // halted (the old worker keeps serving there, and waiting would block the reload forever).
        let inFlight = workers.contains { worker in
            guard worker.state.isLive, worker.retireReason == .reload, let s = slotIndex(worker.slot) else { return false }
            return !slots[s].isDegraded
        }
        if inFlight { return }
        for s in slots.indices where !slots[s].retiring {
            guard let current = slots[s].current, let i = liveWorkerIndex(current) else { continue }
            let worker = workers[i]
            if worker.policyGeneration < policyGeneration {
                if worker.state.isReady && worker.retireReason == nil {
                    beginReplacement(workerAt: i, reason: .reload, now: now)
                }
                return
            }
            if case .starting = worker.state { return }
        }
        reload = nil
        // This READY also covers a start-up that a SIGHUP interrupted; never send two.
        readyAnnounced = true
        log(.notice, "reload complete")
        emit(.notify(.ready))
    }

    /// READY=1 once, when the first workers are ready and the rest are ready or degraded.
    mutating func announceReadiness() {
        guard !readyAnnounced, reload == nil else { return }
        let active = slots.filter { !$0.retiring }
        let ready = active.filter { slotHasReadyWorker($0.id) }.count
        let settled = active.allSatisfy { slotHasReadyWorker($0.id) || $0.isDegraded }
        // Every slot halted on bad configuration: nothing will change without an operator, so
        // say so through STATUS= rather than leave systemd to time the start out and loop.
        let allHalted = !active.isEmpty && active.allSatisfy { $0.haltedReason != nil }
        guard (ready >= 1 && settled) || allHalted || active.isEmpty else { return }
        readyAnnounced = true
        emit(.notify(.ready))
    }
}
