// Draining and the stop ladder.
extension SupervisorCore {
    /// Asks a worker to finish its jobs and exit by `deadline`.
    mutating func beginDrain(workerAt i: Int, reason: DrainReason, deadline: Instant, now: Instant) {
        switch workers[i].state {
        case .offline, .stopping:
            return
        case .draining(let since, _, let current):
            // Already asked; a shutdown may only bring the deadline closer.
            workers[i].state = .draining(since: since, reason: reason, deadline: min(current, deadline))
            return
        default:
            break
        }
        let worker = workers[i]
        if worker.connected {
            emit(.send(worker.id, .drain))
        } else if let pid = worker.pid {
            // No control channel yet; the worker drains on SIGTERM too.
            emit(.signal(pid: pid, .terminate))
        }
        // Without a pid the spawn is still in flight; `spawned` sends the SIGTERM.
        workers[i].state = .draining(since: now, reason: reason, deadline: deadline)
        workers[i].retireReason = nil
        log(.info, "draining worker (\(reason.rawValue))", worker.metadata)
    }

    /// Starts (or escalates) the stop ladder at `rung`; never steps back down.
    mutating func beginStop(workerAt i: Int, rung requested: StopRung, reason: StopReason, now: Instant) {
        var rung = requested
        var reason = reason
        if rung == .stopRequested && !workers[i].connected {
            rung = .killed  // nobody to ask politely
        }
        switch workers[i].state {
        case .offline:
            return
        case .stopping(let current, let currentReason, _):
            if current >= rung { return }
            // The first reason wins when it blames a job, so the attempt is still counted.
            if currentReason.countsAttempt { reason = currentReason }
        default:
            break
        }
        let worker = workers[i]
        let deadline: Instant
        switch rung {
        case .stopRequested:
            emit(.send(worker.id, .stop))
            deadline = now + policy.stopGraceMs
        case .aborted:
            if let pid = worker.pid { emit(.signal(pid: pid, .abort)) }
            deadline = now + policy.abortGraceMs
        case .killed:
            if let pid = worker.pid { emit(.signal(pid: pid, .kill)) }
            deadline = now + policy.killGraceMs
        }
        workers[i].state = .stopping(rung, reason: reason, rungDeadline: deadline)
        workers[i].retireReason = nil
        log(rung == .stopRequested ? .warning : .error, "stopping worker: \(reason)", worker.metadata)
    }

    /// Spawns the slot's next worker first; this one drains once that one is ready.
    mutating func beginReplacement(workerAt i: Int, reason: DrainReason, now: Instant) {
        guard let s = slotIndex(workers[i].slot) else { return }
        workers[i].retireReason = reason
        restartsByReason[RestartReason.forReplacement(reason), default: 0] += 1
        log(.notice, "replacing worker (\(reason.rawValue)); it drains once its replacement is ready", workers[i].metadata)
        spawn(slotAt: s, now: now)
    }
}
