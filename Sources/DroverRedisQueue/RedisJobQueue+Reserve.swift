import DroverQueue
import DroverRedis

extension RedisJobQueue {
    /// How long an empty queue is skipped by `reserve` before it is asked again. A wake-up for that
    /// queue clears the hint at once; this bound only matters while the worker never goes idle.
    static let emptyHintMs: Int64 = 50
    /// How long a due date seen by `reserve` stands in for asking Redis before a wait.
    static let dueHintMs: Int64 = 1_000

    public func reserve(from types: [JobType], workerID: String, limit: Int) async throws(JobQueueError) -> [ReservedJob] {
        guard limit >= 0 else { throw JobQueueError(.invalidRequest, "limit must not be negative, got \(limit)") }
        guard !workerID.isEmpty, !workerID.contains(" ") else {
            throw JobQueueError(.invalidRequest, "workerID must be non-empty and without spaces")
        }
        guard limit > 0, !types.isEmpty else { return [] }
        let nowMs = WallClock.milliseconds()
        return try await reserve(in: reserveOrder(types, workerID: workerID, nowMs: nowMs), workerID: workerID, limit: limit, nowMs: nowMs)
    }

    /// Acks a batch and reserves the next one in a single round trip: the finish calls and the
    /// first queue's reserve go in one pipeline (other queues, if needed, follow as usual).
    public func finishAndReserve(
        _ outcomes: [JobOutcome], from types: [JobType], workerID: String, limit: Int
    ) async throws(JobQueueError) -> (results: [FinishResult], reserved: [ReservedJob]) {
        guard limit > 0, !types.isEmpty, !workerID.isEmpty, !workerID.contains(" ") else {
            let results = try await finish(outcomes)
            return (results, try await reserve(from: types, workerID: workerID, limit: limit))
        }
        let nowMs = WallClock.milliseconds()
        let order = reserveOrder(types, workerID: workerID, nowMs: nowMs)
        var (calls, slots) = finishCalls(outcomes)
        let finishCount = calls.count
        if let first = order.first { calls.append(reserveCall(first, workerID: workerID, limit: limit)) }
        let replies = try await runPipeline(calls)
        let results = try Self.decodeFinish(replies[..<finishCount], slots: slots, outcomes: outcomes)
        guard let first = order.first else { return (results, []) }
        let batch = try Self.decodeReserve(replies[finishCount], type: first, workerID: workerID)
        absorb(batch, of: first, workerID: workerID, nowMs: nowMs)
        var reserved = batch.jobs
        if reserved.count < limit && order.count > 1 {
            reserved += try await reserve(in: Array(order.dropFirst()), workerID: workerID, limit: limit - reserved.count, nowMs: nowMs)
        }
        return (results, reserved)
    }

    /// The queues to try, starting one further along each call, skipping those empty a moment ago.
    func reserveOrder(_ types: [JobType], workerID: String, nowMs: Int64) -> [JobType] {
        withHints(of: workerID) { hints in
            hints.rotation &+= 1
            let start = hints.rotation % types.count
            let rotated = Array(types[start...] + types[..<start])
            return rotated.filter { (hints.emptyUntilMs[$0] ?? 0) <= nowMs }
        }
    }

    /// Runs `body` on `workerID`'s hints. A process normally reserves for one worker id; one that
    /// cycles through many (tests, tools) starts afresh past 64 rather than growing without bound.
    func withHints<Result: Sendable>(of workerID: String, _ body: (inout ReserveHints) -> Result) -> Result {
        hintsByWorker.withLock { book in
            if book[workerID] == nil && book.count >= 64 { book.removeAll() }
            return body(&book[workerID, default: ReserveHints()])
        }
    }

    private func reserve(in order: [JobType], workerID: String, limit: Int, nowMs: Int64) async throws(JobQueueError) -> [ReservedJob] {
        var reserved: [ReservedJob] = []
        for type in order where reserved.count < limit {
            let call = reserveCall(type, workerID: workerID, limit: limit - reserved.count)
            let reply = try await run(call.script, type, call.arguments)
            let batch = try Self.decodeReserve(reply, type: type, workerID: workerID)
            reserved += batch.jobs
            absorb(batch, of: type, workerID: workerID, nowMs: nowMs)
        }
        return reserved
    }

    func reserveCall(_ type: JobType, workerID: String, limit: Int) -> ScriptCall {
        var args = arguments(type)
        args.append(workerID)
        args.append(limit)
        args.append(policy.leaseGraceMs)
        args.append(policy.lowPriorityEvery)
        args.append(policy.normalPriorityEvery)
        args.append(policy.deadRetentionMs)
        args.append(policy.retentionCount)
        return (QueueScript.reserve, [keys(type).meta], args)
    }

    /// Remembers what a reserve saw: whether the queue ran dry, and when its next job falls due.
    ///
    /// A queue that had nothing is marked empty. So is one that a wake just emptied (`afterWake`):
    /// the worker's next step is another wait, which the next enqueue's marker ends. A plain
    /// reserve that took the last jobs does not mark it, as its caller may reserve again at once.
    private func absorb(_ batch: ReserveBatch, of type: JobType, workerID: String, nowMs: Int64, afterWake: Bool = false) {
        withHints(of: workerID) { hints in
            if batch.waiting == 0 && (batch.jobs.isEmpty || afterWake) {
                hints.emptyUntilMs[type] = nowMs + Self.emptyHintMs
            } else {
                hints.emptyUntilMs[type] = nil
            }
            switch batch.nextDue {
            case .unknown: hints.dueAtMs[type] = nil
            case .none: hints.dueAtMs[type] = (nowMs, nil)
            case .inMs(let ms): hints.dueAtMs[type] = (nowMs, nowMs + ms)
            }
        }
    }

    public func waitForJobs(in types: [JobType], timeout: Duration) async throws(JobQueueError) -> Bool {
        try await waitForJobs(in: types, stickyOf: nil, timeout: timeout)
    }

    public func waitForJobs(in types: [JobType], workerID: String, timeout: Duration) async throws(JobQueueError) -> Bool {
        try await waitForJobs(in: types, stickyOf: workerID, timeout: timeout)
    }

    /// Waits on each queue's shared wake marker and, for a worker, on its own sticky markers.
    private func waitForJobs(in types: [JobType], stickyOf workerID: String?, timeout: Duration) async throws(JobQueueError) -> Bool {
        guard !types.isEmpty else { return false }
        guard let prepared = try await prepareWait(in: types, stickyOf: workerID, timeout: timeout) else { return true }
        let reply: RedisReply
        do {
            reply = try await blocking.send(prepared.command, timeout: prepared.wait + .seconds(2))
        } catch {
            throw Self.queueError(error)
        }
        if wokenType(reply, prepared, workerID: workerID ?? "") != nil { return true }
        // Timed out: true when it was a due job we slept for, which the next reserve promotes.
        if let dueAt = prepared.dueAt { return WallClock.milliseconds() >= dueAt }
        return false
    }

    /// Waits as `waitForJobs(in:workerID:timeout:)` does, and leases what woke it with no round trip
    /// in between: the reserve of the queue that woke this worker last goes out in the same write as
    /// the wait, so Redis runs it the moment the wait ends (a worker of one queue always guesses
    /// right). When another queue's marker ends the wait, that queue's reserve follows at once on the
    /// same connection and thread, for the slots the guess left.
    public func waitAndReserve(in types: [JobType], workerID: String, limit: Int, timeout: Duration) async throws(JobQueueError) -> [ReservedJob] {
        guard limit > 0, !types.isEmpty, !workerID.isEmpty, !workerID.contains(" ") else {
            _ = try await waitForJobs(in: types, stickyOf: workerID.isEmpty ? nil : workerID, timeout: timeout)
            return []
        }
        // A scheduled job is already due: no wait, and the caller's own reserve promotes it.
        guard let prepared = try await prepareWait(in: types, stickyOf: workerID, timeout: timeout) else { return [] }
        let guess = types.count == 1 ? types[0] : withHints(of: workerID) { $0.lastWoken }.flatMap { types.contains($0) ? $0 : nil }
        let result: (reply: RedisReply, speculated: RedisReply?, followUp: RedisReply?)
        do {
            result = try await blocking.send(
                prepared.command, timeout: prepared.wait + .seconds(2),
                speculating: guess.map { reserveCall($0, workerID: workerID, limit: limit) }
            ) { [self] reply, speculated in
                guard let woken = prepared.queue(wokenBy: reply), woken != guess || speculated == nil else { return nil }
                let free = limit - (speculated.map(Self.leasedCount) ?? 0)
                return free > 0 ? reserveCall(woken, workerID: workerID, limit: free) : nil
            }
        } catch {
            throw Self.queueError(error)
        }
        let woken = wokenType(result.reply, prepared, workerID: workerID)
        let nowMs = WallClock.milliseconds()
        var jobs: [ReservedJob] = []
        var failure: JobQueueError?
        // Whatever was leased is returned even if the other reply failed: a lease dropped here would
        // hold its job until the lease expires.
        func take(_ reply: RedisReply, of type: JobType) {
            do {
                let batch = try Self.reserveBatch(reply, type: type, workerID: workerID)
                absorb(batch, of: type, workerID: workerID, nowMs: nowMs, afterWake: type == woken)
                jobs += batch.jobs
            } catch {
                failure = failure ?? error
            }
        }
        if let guess, let speculated = result.speculated { take(speculated, of: guess) }
        if case .error(let message) = result.reply {
            failure = failure ?? Self.queueError(RedisError(.serverError, message))
        }
        if let woken, woken != guess || result.speculated == nil {
            if let followUp = result.followUp {
                take(followUp, of: woken)
            } else if let marker = result.reply.array?.first?.string {
                // The guess took every free slot: pass this wake on, so another worker serves that queue.
                _ = try? await commands.send(["ZADD", marker, "0", "0"])
            }
        }
        if jobs.isEmpty, let failure { throw failure }
        return jobs
    }

    /// A `BZPOPMIN` over the wake markers of some queues, and what its answer maps back to.
    struct PreparedWait {
        var command: RedisCommand
        var byMarker: [String: JobType]
        /// When a scheduled job falls due, if one does before the wait ends.
        var dueAt: Int64?
        var wait: Duration

        /// The queue whose marker a `BZPOPMIN` reply names; nil for a timeout.
        func queue(wokenBy reply: RedisReply) -> JobType? {
            reply.array?.first?.string.flatMap { byMarker[$0] }
        }
    }

    /// The wait for `types`, no longer than until the next scheduled job falls due; nil when one
    /// already has (there is nothing to wait for).
    private func prepareWait(in types: [JobType], stickyOf workerID: String?, timeout: Duration) async throws(JobQueueError) -> PreparedWait? {
        var wait = timeout
        let nowMs = WallClock.milliseconds()
        // A delayed or backed-off job falls due without any write to wake us: sleep no longer than that.
        // The reserve that just emptied a queue saw its next due date; only other queues are asked.
        var known: [Int64] = []
        let unknown: [JobType] = withHints(of: workerID ?? "") { hints in
            var unknown: [JobType] = []
            for type in types {
                if let seen = hints.dueAtMs.removeValue(forKey: type), nowMs - seen.observedMs <= Self.dueHintMs {
                    if let due = seen.dueAtMs { known.append(due) }
                } else {
                    unknown.append(type)
                }
            }
            return unknown
        }
        var dueAt = known.min()
        if !unknown.isEmpty, let asked = try await earliestDue(in: unknown) {
            dueAt = min(dueAt ?? asked, asked)
        }
        if let dueAt, dueAt <= nowMs { return nil }
        if let dueAt {
            let untilDue = Duration.milliseconds(max(0, dueAt - nowMs) + 1)
            if untilDue < wait { wait = untilDue }
        }
        // Redis takes a fractional number of seconds; 0 would mean "forever".
        let seconds = max(Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18, 0.001)
        var command = RedisCommand("BZPOPMIN")
        var byMarker = Dictionary(types.map { (keys($0).marker, $0) }, uniquingKeysWith: { first, _ in first })
        if let workerID {
            for type in types { byMarker[keys(type).marker + ":" + workerID] = type }
        }
        for key in byMarker.keys.sorted() { command.append(key) }
        command.append(String(seconds))
        return PreparedWait(command: command, byMarker: byMarker, dueAt: dueAt, wait: wait)
    }

    /// The queue whose marker ended the wait, or nil when it timed out; either way the empty-queue
    /// hints learn from it, and a wake is remembered as the next wait's guess.
    private func wokenType(_ reply: RedisReply, _ prepared: PreparedWait, workerID: String) -> JobType? {
        guard let type = prepared.queue(wokenBy: reply) else {
            withHints(of: workerID) { $0.emptyUntilMs = [:] }
            return nil
        }
        withHints(of: workerID) { hints in
            hints.emptyUntilMs[type] = nil
            hints.lastWoken = type
        }
        return type
    }

    /// When the first delayed or backed-off job of `types` falls due (client clock), in one round trip.
    func earliestDue(in types: [JobType]) async throws(JobQueueError) -> Int64? {
        var commands: [RedisCommand] = []
        for type in types {
            commands.append(["ZRANGE", keys(type).delayed, "0", "0", "WITHSCORES"])
            commands.append(["ZRANGE", keys(type).retry, "0", "0", "WITHSCORES"])
        }
        let replies: [RedisReply]
        do {
            replies = try await self.commands.pipeline(commands)
        } catch {
            throw Self.queueError(error)
        }
        var earliest: Int64?
        for reply in replies {
            guard let pair = reply.array, pair.count == 2 else { continue }
            let score: Int64?
            switch pair[1] {
            case .double(let d): score = Int64(d)
            default: score = pair[1].string.flatMap { Double($0) }.map { Int64($0) }
            }
            if let score { earliest = min(earliest ?? score, score) }
        }
        return earliest
    }

    /// The jobs a reserve call leased, and what it saw of the queue.
    struct ReserveBatch {
        /// When the queue's next scheduled job falls due; the script skips the lookup while jobs wait.
        enum NextDue {
            case unknown
            case none
            case inMs(Int64)
        }

        var jobs: [ReservedJob]
        var waiting: Int
        var nextDue: NextDue
    }

    /// A reserve script's reply, which may be the error the script failed with.
    static func reserveBatch(_ reply: RedisReply, type: JobType, workerID: String) throws(JobQueueError) -> ReserveBatch {
        if case .error(let message) = reply {
            throw JobQueueError(.unavailable, "redis script failed: \(message)")
        }
        return try decodeReserve(reply, type: type, workerID: workerID)
    }

    /// How many jobs a reserve script's reply leased, without decoding them.
    static func leasedCount(_ reply: RedisReply) -> Int {
        max(0, ((reply.array?.count ?? 2) - 2) / 9)
    }

    static func decodeReserve(_ reply: RedisReply, type: JobType, workerID: String) throws(JobQueueError) -> ReserveBatch {
        guard let flat = reply.array, flat.count >= 2, (flat.count - 2) % 9 == 0,
              let nextDue = flat[0].int, let waiting = flat[1].int
        else { throw JobQueueError(.unavailable, "unexpected reserve reply: \(reply)") }
        var jobs: [ReservedJob] = []
        jobs.reserveCapacity((flat.count - 2) / 9)
        var i = 2
        while i < flat.count {
            jobs.append(try decodeReserved(flat[i..<(i + 9)], type: type, workerID: workerID))
            i += 9
        }
        let due: ReserveBatch.NextDue = nextDue >= 0 ? .inMs(nextDue) : nextDue == -1 ? .none : .unknown
        return ReserveBatch(jobs: jobs, waiting: Int(waiting), nextDue: due)
    }

    /// One leased job. Whatever is wrong with its stored form makes it `.malformed`, so the worker
    /// can dead-letter it with the reason instead of crashing or retrying it forever.
    static func decodeReserved(_ f: ArraySlice<RedisReply>, type: JobType, workerID: String) throws(JobQueueError) -> ReservedJob {
        let b = f.startIndex
        guard let idText = f[b].string, let id = JobID(idText), let token = f[b + 6].int, let deadline = f[b + 7].int else {
            // Without an id and token there is no lease to fail: the reply itself is broken.
            throw JobQueueError(.unavailable, "unexpected reserve entry: \(Array(f))")
        }
        let lease = JobLease(jobID: id, workerID: workerID, token: token, deadlineMs: deadline)
        guard let priority = f[b + 1].string.flatMap(JobPriority.init(rawValue:)) else {
            return .malformed(lease, reason: "stored priority is not high, normal or low")
        }
        guard let timeout = f[b + 3].string.flatMap({ Int($0) }), timeout > 0 else {
            return .malformed(lease, reason: "stored timeout is not a positive number")
        }
        guard let retries = f[b + 4].string.flatMap({ Int($0) }), retries >= 0 else {
            return .malformed(lease, reason: "stored retries is not a number")
        }
        let attempt = Int(f[b + 5].int ?? 1)
        let created = f[b + 8].string.flatMap { Int64($0) } ?? 0
        guard let bytes = f[b + 2].bytes else {
            return .malformed(lease, reason: "stored payload is missing")
        }
        let payload: JSONValue
        do {
            payload = try JSONValue(parsing: bytes)
        } catch {
            return .malformed(lease, reason: "stored payload is not valid JSON: \(error)")
        }
        let job = Job(id: id, priority: priority, payload: payload, timeoutMs: timeout, retries: retries,
                      attempt: attempt, createdAtMicros: created)
        return .runnable(job, lease)
    }
}
