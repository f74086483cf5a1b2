/// The job queue of `single` mode: the whole `JobQueue` contract in one process's memory.
///
/// Times are wall-clock milliseconds since the epoch (`WallClock`), as in the Redis backend.
/// Housekeeping is amortized over the calls: each call first drops what retention, dedup and
/// idempotency no longer keep, and moves due delayed and backed-off jobs to waiting; `reserve`
/// also reclaims expired leases.
///
/// Processing statistics count every finished attempt (completed or failed): `throughputPerMinute`
/// is the number finished in the last full wall-clock minute, and `averageProcessingMs` is the mean
/// handler time over the current minute and the five before it.
public actor InMemoryJobQueue: JobQueue {
    let policy: QueuePolicy
    var jobs: [JobID: Entry] = [:]
    var states: [JobType: TypeState] = [:]
    /// The last fencing token handed out; tokens only grow, so a revoked lease never matches again.
    var lastToken: Int64 = 0
    var scheduleSequence: UInt64 = 0
    /// Which of the requested types `reserve` starts with, so that no type starves.
    var rotation = 0
    var dedup: ExpiringIndex
    var idempotency: ExpiringIndex
    var waiters: [Int: Waiter] = [:]
    var nextWaiterID = 0
    var subscribers: [Int: Subscriber] = [:]
    var nextSubscriberID = 0
    /// Workers whose sticky queues were released; a job routed to one of them goes to the shared
    /// queues. Kept for the queue's life: one short string per worker that ever drained or died.
    var releasedWorkers: Set<String> = []
    /// `claimOnce` claims, made on first use (see InMemoryJobQueue+Claims.swift).
    var claims: ExpiringIndex?

    public init(policy: QueuePolicy = .init()) {
        self.policy = policy
        self.dedup = ExpiringIndex(ttlMs: policy.dedupWindowMs)
        self.idempotency = ExpiringIndex(ttlMs: policy.idempotencyTTLMs)
        for type in JobType.allCases { states[type] = TypeState() }
    }

    public func enqueue(_ requests: [JobRequest]) async throws(JobQueueError) -> [EnqueueReceipt] {
        // The whole batch is checked before any of it is accepted.
        try JobRequest.validate(requests)
        let nowMicros = WallClock.microseconds()
        let nowMs = nowMicros / 1_000
        housekeep(nowMs: nowMs)
        var receipts: [EnqueueReceipt] = []
        receipts.reserveCapacity(requests.count)
        for request in requests {
            let idempotencyKey = request.idempotencyKey.map { TypedKey(type: request.type, text: $0) }
            if let idempotencyKey, let existing = idempotency.lookup(idempotencyKey, nowMs: nowMs) {
                receipts.append(EnqueueReceipt(id: existing, duplicate: true))
                continue
            }
            let dedupKey = dedup.ttlMs > 0
                ? TypedKey(type: request.type, text: request.payload.serialized(sortedKeys: true)) : nil
            if let dedupKey, let existing = dedup.lookup(dedupKey, nowMs: nowMs) {
                // The key now names that job too, so a retry with the key alone finds it.
                if let idempotencyKey { idempotency.insert(idempotencyKey, id: existing, nowMs: nowMs) }
                receipts.append(EnqueueReceipt(id: existing, duplicate: true))
                continue
            }
            let id = JobID.generate(for: request.type, millisecondsSinceEpoch: nowMs)
            accept(request, id: id, nowMicros: nowMicros)
            if let dedupKey { dedup.insert(dedupKey, id: id, nowMs: nowMs) }
            if let idempotencyKey { idempotency.insert(idempotencyKey, id: id, nowMs: nowMs) }
            receipts.append(EnqueueReceipt(id: id, duplicate: false))
        }
        return receipts
    }

    private func accept(_ request: JobRequest, id: JobID, nowMicros: Int64) {
        let nowMs = nowMicros / 1_000
        let delayed = request.delayMs > 0
        let record = JobRecord(
            id: id, status: delayed ? .delayed : .waiting, priority: request.priority, payload: request.payload,
            retries: request.retries, timeoutMs: request.timeoutMs, createdAtMs: nowMs, webhook: request.webhook)
        jobs[id] = Entry(record: record, createdAtMicros: nowMicros)
        states[id.type]!.statusCounts[record.status, default: 0] += 1
        publish(JobEvent(id: id, status: record.status))
        if delayed {
            schedule(id, dueAtMs: nowMs + Int64(request.delayMs), status: .delayed, nowMs: nowMs)
        } else if let target = request.targetWorker, !releasedWorkers.contains(target) {
            states[id.type]!.sticky[target, default: JobList()].append(id)
            jobs[id]!.stickyWorker = target
            wakeWaiters(for: id.type)
        } else {
            states[id.type]!.enlist(id, request.priority, atFront: false)
            wakeWaiters(for: id.type)
        }
    }

    public func reserve(from types: [JobType], workerID: String, limit: Int) async throws(JobQueueError) -> [ReservedJob] {
        guard limit >= 0 else { throw JobQueueError(.invalidRequest, "limit must not be negative, got \(limit)") }
        guard !workerID.isEmpty else { throw JobQueueError(.invalidRequest, "workerID must not be empty") }
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        reapExpired(nowMs: nowMs)
        var distinct: [JobType] = []
        for type in types where !distinct.contains(type) { distinct.append(type) }
        guard limit > 0, !distinct.isEmpty else { return [] }
        let start = rotation % distinct.count
        rotation &+= 1
        let order = Array(distinct[start...] + distinct[..<start])
        var reserved: [ReservedJob] = []
        // The worker's own sticky queues first, oldest first.
        for type in order where reserved.count < limit {
            while reserved.count < limit, let id = popSticky(of: type, for: workerID) {
                reserved.append(lease(id, to: workerID, nowMs: nowMs))
            }
        }
        // One job per type per round, so a full type cannot take every slot of a small limit.
        var tookAny = true
        while reserved.count < limit, tookAny {
            tookAny = false
            for type in order where reserved.count < limit {
                guard let id = pickNext(of: type) else { continue }
                reserved.append(lease(id, to: workerID, nowMs: nowMs))
                tookAny = true
            }
        }
        return reserved
    }

    /// Takes the next waiting job of `type` by priority, letting `normal` and `low` in at their turn.
    func pickNext(of type: JobType) -> JobID? {
        let state = states[type]!
        let priority: JobPriority
        if state.isWaiting(.low), state.lowSkipped >= policy.lowPriorityEvery {
            priority = .low
        } else if state.isWaiting(.normal), state.normalSkipped >= policy.normalPriorityEvery {
            priority = .normal
        } else if let first = [JobPriority.high, .normal, .low].first(where: { state.isWaiting($0) }) {
            priority = first
        } else {
            return nil
        }
        let id = states[type]!.popFirst(priority)!
        let lowWaits = states[type]!.isWaiting(.low)
        let normalWaits = states[type]!.isWaiting(.normal)
        if priority != .low, lowWaits {
            states[type]!.lowSkipped += 1
        } else {
            states[type]!.lowSkipped = 0
        }
        if priority == .high, normalWaits {
            states[type]!.normalSkipped += 1
        } else if priority == .normal || !normalWaits {
            states[type]!.normalSkipped = 0
        }
        return id
    }

    private func lease(_ id: JobID, to workerID: String, nowMs: Int64) -> ReservedJob {
        lastToken += 1
        let token = lastToken
        let deadline = nowMs + Int64(jobs[id]!.record.timeoutMs) + Int64(policy.leaseGraceMs)
        jobs[id]!.record.attempts += 1
        jobs[id]!.record.startedAtMs = nowMs
        jobs[id]!.record.workerID = workerID
        jobs[id]!.leaseToken = token
        jobs[id]!.leaseDeadlineMs = deadline
        states[id.type]!.active.insert(id)
        setStatus(id, .active)
        let entry = jobs[id]!
        let record = entry.record
        let job = Job(
            id: id, priority: record.priority, payload: record.payload, timeoutMs: record.timeoutMs,
            retries: record.retries, attempt: record.attempts, createdAtMicros: entry.createdAtMicros)
        return .runnable(job, JobLease(jobID: id, workerID: workerID, token: token, deadlineMs: deadline))
    }

    public func finish(_ outcomes: [JobOutcome]) async throws(JobQueueError) -> [FinishResult] {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        return outcomes.map { finish($0, nowMs: nowMs) }
    }

    private func finish(_ outcome: JobOutcome, nowMs: Int64) -> FinishResult {
        let lease = outcome.lease
        let id = lease.jobID
        guard let entry = jobs[id] else {
            return .refused(JobQueueError(.jobNotFound, "job \(id) is not known"))
        }
        guard entry.record.status == .active, entry.leaseToken == lease.token else {
            // A repeated ack after a lost reply: the same lease already completed the job.
            if entry.record.status == .completed, entry.completedToken == lease.token,
               case .completed = outcome.kind {
                return .completed
            }
            return .refused(.staleLease(lease))
        }
        recordDuration(outcome.durationMicros, of: id.type, nowMs: nowMs)
        states[id.type]!.active.remove(id)
        jobs[id]!.leaseToken = nil
        switch outcome.kind {
        case .completed(let result):
            jobs[id]!.completedToken = lease.token
            jobs[id]!.record.result = result
            jobs[id]!.record.finishedAtMs = nowMs
            setStatus(id, .completed)
            retainFinished(id, nowMs: nowMs)
            return .completed
        case .failed(let error, let retryable):
            let attempt = entry.record.attempts
            jobs[id]!.record.history.append(
                AttemptFailure(attempt: attempt, error: error, workerID: entry.record.workerID, atMs: nowMs))
            jobs[id]!.record.error = error
            if retryable, attempt < entry.record.retries + 1 {
                let due = nowMs + Int64(policy.retryDelayMs(afterAttempt: attempt))
                schedule(id, dueAtMs: due, status: .failed, nowMs: nowMs)
                return .retryScheduled(atMs: due)
            }
            bury(id, nowMs: nowMs)
            return .dead
        }
    }

    public func reportProgress(_ lease: JobLease, _ progress: JSONValue) async throws(JobQueueError) {
        housekeep(nowMs: WallClock.milliseconds())
        try checkCurrent(lease)
        jobs[lease.jobID]!.record.progress = progress
    }

    public func extend(_ lease: JobLease, by duration: Duration) async throws(JobQueueError) -> JobLease {
        guard duration >= .zero else { throw JobQueueError(.invalidRequest, "a lease cannot be extended by a negative duration") }
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        try checkCurrent(lease)
        let (sum, overflow) = nowMs.addingReportingOverflow(Self.milliseconds(of: duration))
        let deadline = overflow ? Int64.max : sum
        jobs[lease.jobID]!.leaseDeadlineMs = deadline
        return JobLease(jobID: lease.jobID, workerID: lease.workerID, token: lease.token, deadlineMs: deadline)
    }

    private func checkCurrent(_ lease: JobLease) throws(JobQueueError) {
        guard let entry = jobs[lease.jobID] else {
            throw JobQueueError(.jobNotFound, "job \(lease.jobID) is not known")
        }
        guard entry.record.status == .active, entry.leaseToken == lease.token else {
            throw .staleLease(lease)
        }
    }

    public func cancel(_ id: JobID) async throws(JobQueueError) -> CancelResult {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        guard let entry = jobs[id] else { return .notFound }
        switch entry.record.status {
        case .completed, .dead, .cancelled:
            return .alreadyFinal(entry.record.status)
        case .waiting:
            if let worker = entry.stickyWorker {
                _ = states[id.type]!.sticky[worker]?.remove(id)
                if states[id.type]!.sticky[worker]?.isEmpty == true { states[id.type]!.sticky.removeValue(forKey: worker) }
                jobs[id]!.stickyWorker = nil
            } else {
                states[id.type]!.delist(id, entry.record.priority)
            }
        case .delayed, .failed:
            // Its schedule entry goes stale and is dropped when it comes up.
            break
        case .active:
            states[id.type]!.active.remove(id)
            jobs[id]!.leaseToken = nil
        }
        jobs[id]!.record.finishedAtMs = nowMs
        setStatus(id, .cancelled)
        retainFinished(id, nowMs: nowMs)
        return .cancelled
    }

    /// Whole milliseconds in `duration`, saturating instead of overflowing.
    static func milliseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (wholeMs, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = wholeMs.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : total
    }
}
