// The STATUS= line, /readyz and the snapshot.
extension SupervisorCore {
    /// A picture of the pool; `now` places throttled respawns ("next spawn in 8 s").
    public func snapshot(now: Instant) -> SupervisorSnapshot {
        let active = slots.filter { !$0.retiring }
        let readySlots = active.filter { slotHasReadyWorker($0.id) }.count
        let isReady: Bool
        var notReady: String?
        switch phase {
        case .notStarted:
            isReady = false
            notReady = "starting"
        case .running:
            isReady = readySlots >= 1
            if !isReady {
                let reasons = degradedReasons(now: now)
                notReady = reasons.isEmpty ? "no worker ready yet" : "no worker ready: " + reasons.joined(separator: "; ")
            }
        case .shuttingDown:
            isReady = false
            notReady = "shutting down"
        case .exited:
            isReady = false
            notReady = "stopped"
        }
        return SupervisorSnapshot(
            phase: phase,
            desiredWorkers: active.count,
            liveWorkers: workers.filter { $0.state.isLive }.count,
            readyWorkers: readySlots,
            runningJobs: runningJobs,
            degradedReasons: degradedReasons(now: now),
            isReady: isReady,
            notReadyReason: notReady,
            reloading: reload != nil,
            statusLine: statusLine(now: now),
            workers: workers.map { worker in
                WorkerSnapshot(
                    id: worker.id, slot: worker.slot, pid: worker.pid, state: worker.state,
                    spawnedAt: worker.spawnedAt, readyAt: worker.readyAt, lastHeartbeatAt: worker.lastHeardAt,
                    stats: worker.stats, resources: worker.resources, retireReason: worker.retireReason)
            },
            slots: slots.map { slot in
                SlotSnapshot(
                    id: slot.id, currentWorker: slot.current, recentFailures: slot.history.failures.count,
                    nextSpawnAt: slot.respawnAt, haltedReason: slot.haltedReason, retiring: slot.retiring,
                    lastFailure: slot.lastFailure, breaker: slot.breaker.state)
            },
            autoscaler: autoscaler,
            restartsByReason: restartsByReason)
    }

    var runningJobs: Int {
        workers.reduce(0) { $0 + $1.activeJobs }
    }

    func degradedReasons(now: Instant) -> [String] {
        guard case .running = phase else { return [] }
        return slots.filter { !$0.retiring }.compactMap { slot in
            if let halted = slot.haltedReason {
                return "\(slot.id) \(halted), not respawning"
            }
            if let due = slot.respawnAt {
                // Rounded up, so the line never says 0 s while a wait remains.
                let seconds = max(0, (due - now + 999) / 1000)
                return "\(slot.id) crash loop, next spawn in \(seconds) s"
            }
            return nil
        }
    }

    func statusLine(now: Instant) -> String {
        let live = workers.filter { $0.state.isLive }.count
        switch phase {
        case .notStarted:
            return "starting"
        case .exited:
            return "stopped"
        case .shuttingDown(_, _, let forced):
            return forced
                ? "stopping now: \(live) workers left"
                : "draining: \(live) workers left, \(runningJobs) jobs running"
        case .running:
            let active = slots.filter { !$0.retiring }
            let ready = active.filter { slotHasReadyWorker($0.id) }.count
            var line = "\(ready)/\(active.count) workers ready, \(runningJobs) jobs running"
            let reasons = degradedReasons(now: now)
            if !reasons.isEmpty {
                line = "degraded: " + reasons.joined(separator: "; ") + "; " + line
            }
            if reload != nil {
                line = "reloading: " + line
            }
            return line
        }
    }
}
