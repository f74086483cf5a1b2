extension InMemoryJobQueue {
    /// Moves a job to `status`; every status change goes through here, so the counts stay exact
    /// and subscribers hear of each one.
    func setStatus(_ id: JobID, _ status: JobStatus) {
        let old = jobs[id]!.record.status
        jobs[id]!.record.status = status
        states[id.type]!.statusCounts[old, default: 0] -= 1
        states[id.type]!.statusCounts[status, default: 0] += 1
        publish(JobEvent(id: id, status: status))
    }

    /// Puts a job on its priority list: at the back when it is due or retried, at the front when
    /// a lease is taken back (it was already at the head of the line once).
    func makeWaiting(_ id: JobID, atFront: Bool) {
        states[id.type]!.enlist(id, jobs[id]!.record.priority, atFront: atFront)
        setStatus(id, .waiting)
        wakeWaiters(for: id.type)
    }

    /// Parks a job (delayed, or failed in its backoff) until `dueAtMs`.
    func schedule(_ id: JobID, dueAtMs: Int64, status: JobStatus, nowMs: Int64) {
        jobs[id]!.dueAtMs = dueAtMs
        if jobs[id]!.record.status != status { setStatus(id, status) }
        scheduleSequence &+= 1
        states[id.type]!.schedule.insert(ScheduledJob(dueMs: dueAtMs, sequence: scheduleSequence, id: id))
        let scheduled = states[id.type]!.count(.delayed) + states[id.type]!.count(.failed)
        // Cancelled entries stay in the heap until they come up; rebuild if they pile up.
        if states[id.type]!.schedule.count > 2 * scheduled + 64 {
            states[id.type]!.schedule.compact { isLive($0) }
        }
        rearmWaiters(for: id.type, dueAtMs: dueAtMs, nowMs: nowMs)
    }

    func isLive(_ scheduled: ScheduledJob) -> Bool {
        guard let entry = jobs[scheduled.id] else { return false }
        let status = entry.record.status
        return (status == .delayed || status == .failed) && entry.dueAtMs == scheduled.dueMs
    }

    /// The earliest due time of a scheduled job of `type`, dropping stale entries on the way.
    func earliestDue(of type: JobType) -> Int64? {
        while let top = states[type]!.schedule.top {
            if isLive(top) { return top.dueMs }
            states[type]!.schedule.popTop()
        }
        return nil
    }

    /// Sends a job to the dead-letter queue.
    func bury(_ id: JobID, nowMs: Int64) {
        jobs[id]!.record.finishedAtMs = nowMs
        setStatus(id, .dead)
        states[id.type]!.dead.append(id)
        while states[id.type]!.dead.count > policy.retentionCount, let oldest = states[id.type]!.dead.popFirst() {
            forget(oldest)
        }
    }

    /// Keeps a completed or cancelled job for retention, dropping the oldest beyond the count.
    func retainFinished(_ id: JobID, nowMs: Int64) {
        states[id.type]!.finished.append(id)
        while states[id.type]!.finished.count > policy.retentionCount,
              let oldest = states[id.type]!.finished.popFirst() {
            forget(oldest)
        }
    }

    /// Deletes a job that left every list.
    func forget(_ id: JobID) {
        guard let entry = jobs.removeValue(forKey: id) else { return }
        states[id.type]!.statusCounts[entry.record.status, default: 0] -= 1
    }

    /// The work every call does first: drop what is past retention or TTL, release due jobs.
    func housekeep(nowMs: Int64) {
        dedup.prune(nowMs: nowMs)
        idempotency.prune(nowMs: nowMs)
        for type in JobType.allCases {
            pruneRetained(of: type, nowMs: nowMs)
            promoteDue(of: type, nowMs: nowMs)
        }
    }

    private func pruneRetained(of type: JobType, nowMs: Int64) {
        let completedKeep = Int64(policy.completedRetentionMs)
        while let oldest = states[type]!.finished.first {
            if let finishedAt = jobs[oldest]?.record.finishedAtMs, nowMs - finishedAt < completedKeep { break }
            states[type]!.finished.popFirst()
            forget(oldest)
        }
        let deadKeep = Int64(policy.deadRetentionMs)
        while let oldest = states[type]!.dead.first {
            if let finishedAt = jobs[oldest]?.record.finishedAtMs, nowMs - finishedAt < deadKeep { break }
            states[type]!.dead.popFirst()
            forget(oldest)
        }
    }

    private func promoteDue(of type: JobType, nowMs: Int64) {
        while let top = states[type]!.schedule.top, top.dueMs <= nowMs {
            states[type]!.schedule.popTop()
            if isLive(top) { makeWaiting(top.id, atFront: false) }
        }
    }

    /// Takes a lease back: the job returns to the front of its list, or to the dead-letter queue
    /// when `failure` is given and it was the job's last attempt.
    ///
    /// - Parameter failure: the error to record when the attempt counts; `nil` when it does not.
    func takeBack(_ id: JobID, failure: String?, nowMs: Int64) {
        states[id.type]!.active.remove(id)
        jobs[id]!.leaseToken = nil
        let record = jobs[id]!.record
        if let failure {
            jobs[id]!.record.history.append(
                AttemptFailure(attempt: record.attempts, error: failure, workerID: record.workerID, atMs: nowMs))
            jobs[id]!.record.error = failure
            if record.attempts >= record.retries + 1 {
                bury(id, nowMs: nowMs)
                return
            }
        } else {
            jobs[id]!.record.attempts = max(0, record.attempts - 1)
        }
        makeWaiting(id, atFront: true)
    }

    /// Active jobs matching `predicate`, newest lease first, so that putting each at the front
    /// leaves them in the order they were reserved.
    func activeJobs(where predicate: (Entry) -> Bool) -> [JobID] {
        var found: [(token: Int64, id: JobID)] = []
        for type in JobType.allCases {
            for id in states[type]!.active {
                guard let entry = jobs[id], predicate(entry) else { continue }
                found.append((entry.leaseToken ?? 0, id))
            }
        }
        return found.sorted { $0.token > $1.token }.map(\.id)
    }

    @discardableResult
    func reapExpired(nowMs: Int64) -> Int {
        let expired = activeJobs { $0.leaseDeadlineMs < nowMs }
        for id in expired {
            let worker = jobs[id]!.record.workerID ?? "unknown"
            takeBack(id, failure: "lease expired (worker \(worker))", nowMs: nowMs)
        }
        return expired.count
    }
}
