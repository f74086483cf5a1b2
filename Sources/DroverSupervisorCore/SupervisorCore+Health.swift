// Heartbeats, memory and job timeouts; the deadlines that turn silence into action.
extension SupervisorCore {
    mutating func heartbeat(_ id: WorkerID, stats: HeartbeatStats, now: Instant) {
        guard let i = liveWorkerIndex(id) else {
            // A heartbeat already in flight when the worker exited; nothing to learn from it.
            log(.debug, "heartbeat from an unknown worker", ["worker": id.rawValue])
            return
        }
        workers[i].lastHeardAt = now
        if stats.completedJobs > (workers[i].stats?.completedJobs ?? 0) {
            recordBreakerSuccess(slot: workers[i].slot, now: now)
        }
        workers[i].stats = stats
        if workers[i].state.isReady {
            workers[i].state = .fromLoad(activeJobs: stats.activeJobs, concurrency: policy.concurrency)
        }
        // A job's deadline is fixed on our clock the first time we see it, so later heartbeats
        // with their own rounding cannot move it.
        workers[i].jobWatches = stats.runningJobs.map { job in
            workers[i].jobWatches.first { $0.jobID == job.id }
                ?? JobWatch(jobID: job.id, deadline: now - job.elapsedMs + job.timeoutMs)
        }
        guard workers[i].state.isReady || isDraining(workerAt: i) else { return }
        // Evidence that the job is still running a grace period after its timeout: the worker
        // did not get it back, so the worker goes and the job counts an attempt.
        if let overdue = workers[i].jobWatches.first(where: { now >= $0.deadline + policy.jobCancelGraceMs }) {
            beginStop(workerAt: i, rung: .aborted, reason: .jobOverran(jobID: overdue.jobID), now: now)
            return
        }
        sendDueCancels(workerAt: i, now: now)
    }

    mutating func resources(_ id: WorkerID, sample: ResourceSample, now: Instant) {
        guard let i = liveWorkerIndex(id) else { return }
        workers[i].resources = sample
        if sample.rssBytes >= policy.hardMemoryBytes {
            log(.error, "worker RSS \(sample.rssBytes) bytes is over the hard limit \(policy.hardMemoryBytes)", workers[i].metadata)
            beginStop(workerAt: i, rung: .killed, reason: .memoryHardLimit, now: now)
            return
        }
        guard case .running = phase, sample.rssBytes >= policy.maxMemoryBytes,
              workers[i].state.isReady, workers[i].retireReason == nil,
              let s = slotIndex(workers[i].slot), slots[s].current == id, !slots[s].retiring
        else { return }
        log(.warning, "worker RSS \(sample.rssBytes) bytes is over the limit \(policy.maxMemoryBytes)", workers[i].metadata)
        beginReplacement(workerAt: i, reason: .memory, now: now)
    }

    mutating func channelBroken(_ id: WorkerID, reason: String, now: Instant) {
        guard let i = liveWorkerIndex(id) else { return }
        // Nothing more can be said to it, and nothing it says can be believed.
        workers[i].connected = false
        beginStop(workerAt: i, rung: .aborted, reason: .channelBroken(reason), now: now)
    }

    mutating func checkDeadlines(now: Instant) {
        for i in workers.indices {
            let worker = workers[i]
            switch worker.state {
            case .offline:
                continue
            case .starting(let since):
                if now - since >= policy.bootTimeoutMs {
                    beginStop(workerAt: i, rung: .aborted, reason: .bootTimedOut, now: now)
                }
            case .idle, .busy, .overloaded, .standby:
                if now - worker.lastHeardAt >= policy.hangTimeoutMs {
                    beginStop(workerAt: i, rung: .aborted, reason: .hung, now: now)
                } else {
                    sendDueCancels(workerAt: i, now: now)
                }
            case .draining(_, _, let deadline):
                if worker.connected && now - worker.lastHeardAt >= policy.hangTimeoutMs {
                    beginStop(workerAt: i, rung: .aborted, reason: .hung, now: now)
                } else if now >= deadline {
                    beginStop(workerAt: i, rung: .stopRequested, reason: .drainTimedOut, now: now)
                } else {
                    sendDueCancels(workerAt: i, now: now)
                }
            case .stopping(let rung, let reason, let deadline):
                guard now >= deadline else { continue }
                if rung < .killed {
                    beginStop(workerAt: i, rung: .killed, reason: reason, now: now)
                } else {
                    // Only a process stuck in the kernel survives SIGKILL; keep trying, loudly.
                    log(.critical, "worker survived SIGKILL for \(policy.killGraceMs) ms; killing again", worker.metadata)
                    if let pid = worker.pid { emit(.signal(pid: pid, .kill)) }
                    workers[i].state = .stopping(.killed, reason: reason, rungDeadline: now + policy.killGraceMs)
                }
            }
        }
    }

    /// Asks the worker to cancel jobs past their timeout; the worker should have done it already.
    mutating func sendDueCancels(workerAt i: Int, now: Instant) {
        guard workers[i].connected else { return }
        for j in workers[i].jobWatches.indices where !workers[i].jobWatches[j].cancelSent && now >= workers[i].jobWatches[j].deadline {
            workers[i].jobWatches[j].cancelSent = true
            let jobID = workers[i].jobWatches[j].jobID
            emit(.send(workers[i].id, .cancelJob(jobID)))
            log(.warning, "job \(jobID) is past its timeout; cancelling", workers[i].metadata.merging(["job": jobID]) { $1 })
        }
    }

    private func isDraining(workerAt i: Int) -> Bool {
        if case .draining = workers[i].state { return true }
        return false
    }
}
