// SIGTERM / SIGINT: drain the pool, then exit 0.
extension SupervisorCore {
    mutating func beginShutdown(now: Instant) {
        switch phase {
        case .notStarted:
            phase = .shuttingDown(since: now, deadline: now, forced: true)
            emit(.notify(.stopping))
        case .running:
            let deadline = now + policy.drainTimeoutMs
            phase = .shuttingDown(since: now, deadline: deadline, forced: false)
            reload = nil
            emit(.notify(.stopping))
            let live = workers.filter { $0.state.isLive }.count
            log(.notice, "shutting down: draining \(live) workers for up to \(policy.drainTimeoutMs) ms")
            for s in slots.indices {
                slots[s].respawnAt = nil
            }
            for i in workers.indices where workers[i].state.isLive {
                beginDrain(workerAt: i, reason: .shutdown, deadline: deadline, now: now)
            }
            lastExtendAt = now
            drainProgress = currentDrainProgress()
        case .shuttingDown(let since, let deadline, forced: false):
            phase = .shuttingDown(since: since, deadline: deadline, forced: true)
            log(.warning, "second shutdown signal: stopping all workers now; their jobs go back to the queue")
            for i in workers.indices where workers[i].state.isLive {
                beginStop(workerAt: i, rung: .killed, reason: .shutdownForced, now: now)
            }
        case .shuttingDown, .exited:
            log(.info, "shutdown already under way")
        }
    }

    /// While the drain still moves (jobs finish, workers leave), asks systemd for more time.
    mutating func reportDrainProgress(now: Instant) {
        guard case .shuttingDown(_, _, forced: false) = phase,
              now - lastExtendAt >= policy.heartbeatIntervalMs
        else { return }
        lastExtendAt = now
        let progress = currentDrainProgress()
        guard progress != drainProgress else { return }
        drainProgress = progress
        // Three intervals: progress is judged once per interval, and one late heartbeat must not
        // let the extension lapse.
        emit(.notify(.extendTimeout(milliseconds: 3 * policy.heartbeatIntervalMs)))
    }

    func currentDrainProgress() -> DrainProgress {
        let live = workers.filter { $0.state.isLive }
        return DrainProgress(
            liveWorkers: live.count,
            activeJobs: live.reduce(0) { $0 + $1.activeJobs },
            completedJobs: live.reduce(0) { $0 + ($1.stats?.completedJobs ?? 0) })
    }
}
