extension InMemoryJobQueue {
    /// The longest a waiter's timer sleeps before it checks again.
    static let longestTimerMs: Int64 = 3_600_000

    /// A caller of `waitForJobs`, parked until a job becomes waiting in one of its types.
    struct Waiter {
        let types: Set<JobType>
        let deadlineMs: Int64
        let continuation: CheckedContinuation<Bool, Never>
        /// When its timer fires: the deadline, or earlier when a scheduled job of its types is due.
        var wakeAtMs: Int64
        var timer: Task<Void, Never>?
    }

    public func waitForJobs(in types: [JobType], timeout: Duration) async throws(JobQueueError) -> Bool {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        let wanted = Set(types)
        if wanted.contains(where: { states[$0]!.waitingCount > 0 }) { return true }
        let timeoutMs = Self.milliseconds(of: timeout)
        guard timeoutMs > 0, !Task.isCancelled else { return false }
        let (sum, overflow) = nowMs.addingReportingOverflow(timeoutMs)
        let deadline = overflow ? Int64.max : sum
        let id = nextWaiterID
        nextWaiterID += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(types: wanted, deadlineMs: deadline, continuation: continuation, wakeAtMs: deadline)
                armTimer(for: id, nowMs: nowMs)
            }
        } onCancel: {
            // The handler cannot touch the actor's state; the waiter is already registered by the
            // time this task runs, because registering happens before the actor is given up.
            Task { await self.resolveWaiter(id, woken: false) }
        }
    }

    public func waitForJobs(in types: [JobType], workerID: String, timeout: Duration) async throws(JobQueueError) -> Bool {
        if types.contains(where: { states[$0]!.sticky[workerID] != nil }) { return true }
        // Every waiter of a type wakes on a sticky job of that type, so this worker's wakes too.
        return try await waitForJobs(in: types, timeout: timeout)
    }

    /// Wakes, with `true`, every waiter that watches `type`.
    func wakeWaiters(for type: JobType) {
        guard !waiters.isEmpty else { return }
        for (id, waiter) in waiters where waiter.types.contains(type) {
            resolveWaiter(id, woken: true)
        }
    }

    /// A job of `type` was scheduled: waiters whose timers fire later must wake at its due time.
    func rearmWaiters(for type: JobType, dueAtMs: Int64, nowMs: Int64) {
        guard !waiters.isEmpty else { return }
        for (id, waiter) in waiters where waiter.types.contains(type) && dueAtMs < waiter.wakeAtMs {
            armTimer(for: id, nowMs: nowMs)
        }
    }

    func resolveWaiter(_ id: Int, woken: Bool) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: woken)
    }

    private func armTimer(for id: Int, nowMs: Int64) {
        guard var waiter = waiters[id] else { return }
        var wakeAt = waiter.deadlineMs
        for type in waiter.types {
            if let due = earliestDue(of: type), due < wakeAt { wakeAt = due }
        }
        waiter.wakeAtMs = wakeAt
        waiter.timer?.cancel()
        // Capped so that a huge timeout never overflows the sleep; the timer simply re-arms.
        let delayMs = min(max(1, wakeAt - nowMs), Self.longestTimerMs)
        waiter.timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(delayMs))
            guard !Task.isCancelled else { return }
            await self?.timerFired(for: id)
        }
        waiters[id] = waiter
    }

    private func timerFired(for id: Int) {
        guard waiters[id] != nil else { return }
        let nowMs = WallClock.milliseconds()
        // Releasing due jobs wakes this waiter if one of its types got a job.
        housekeep(nowMs: nowMs)
        guard let waiter = waiters[id] else { return }
        if nowMs >= waiter.deadlineMs {
            resolveWaiter(id, woken: false)
        } else {
            armTimer(for: id, nowMs: nowMs)
        }
    }
}
