extension InMemoryJobQueue {
    public func requeueLeases(ofWorker workerID: String, countingAttempt: Bool) async throws(JobQueueError) -> Int {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        // Sticky jobs first, so the leased ones, which were ahead of them, end up first in line.
        let released = releaseSticky(of: workerID)
        let leased = activeJobs { $0.record.workerID == workerID }
        for id in leased {
            let failure = countingAttempt
                ? "worker \(workerID) stopped while running attempt \(jobs[id]!.record.attempts)" : nil
            takeBack(id, failure: failure, nowMs: nowMs)
        }
        return leased.count + released
    }

    public func releaseStickyJobs(ofWorker workerID: String) async throws(JobQueueError) -> Int {
        guard !workerID.isEmpty else { throw JobQueueError(.invalidRequest, "workerID must not be empty") }
        housekeep(nowMs: WallClock.milliseconds())
        return releaseSticky(of: workerID)
    }

    /// Moves the worker's sticky jobs to the front of the shared lists, oldest first in line, and
    /// sends jobs routed to it from now on to the shared lists.
    func releaseSticky(of workerID: String) -> Int {
        releasedWorkers.insert(workerID)
        var moved = 0
        for type in JobType.allCases {
            guard var list = states[type]!.sticky.removeValue(forKey: workerID) else { continue }
            var ids: [JobID] = []
            while let id = list.popFirst() { ids.append(id) }
            for id in ids.reversed() {
                jobs[id]!.stickyWorker = nil
                states[type]!.enlist(id, jobs[id]!.record.priority, atFront: true)
            }
            moved += ids.count
            if !ids.isEmpty { wakeWaiters(for: type) }
        }
        return moved
    }

    /// The next job of the worker's own sticky queue of `type`, if any.
    func popSticky(of type: JobType, for workerID: String) -> JobID? {
        guard let id = states[type]!.sticky[workerID]?.popFirst() else { return nil }
        if states[type]!.sticky[workerID]!.isEmpty { states[type]!.sticky.removeValue(forKey: workerID) }
        jobs[id]!.stickyWorker = nil
        return id
    }

    public func reapExpiredLeases() async throws(JobQueueError) -> Int {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        return reapExpired(nowMs: nowMs)
    }

    public func deadLetters(of type: JobType, limit: Int) async throws(JobQueueError) -> [JobRecord] {
        guard limit >= 0 else { throw JobQueueError(.invalidRequest, "limit must not be negative, got \(limit)") }
        housekeep(nowMs: WallClock.milliseconds())
        return states[type]!.dead.newestFirst.prefix(limit).compactMap { jobs[$0]?.record }
    }

    public func retryDeadLetter(_ id: JobID) async throws(JobQueueError) -> Bool {
        housekeep(nowMs: WallClock.milliseconds())
        guard let entry = jobs[id], entry.record.status == .dead else { return false }
        states[id.type]!.dead.remove(id)
        // A fresh set of attempts; the history of the old ones stays for whoever reads the job.
        jobs[id]!.record.attempts = 0
        jobs[id]!.record.finishedAtMs = nil
        makeWaiting(id, atFront: false)
        return true
    }

    public func purgeDeadLetters(of type: JobType) async throws(JobQueueError) -> Int {
        housekeep(nowMs: WallClock.milliseconds())
        var purged = 0
        while let id = states[type]!.dead.popFirst() {
            forget(id)
            purged += 1
        }
        return purged
    }
}
