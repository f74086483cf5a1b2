import DroverQueue
import DroverRedis

extension RedisJobQueue {
    public func finish(_ outcomes: [JobOutcome]) async throws(JobQueueError) -> [FinishResult] {
        let (calls, slots) = finishCalls(outcomes)
        return try Self.decodeFinish(try await runPipeline(calls)[...], slots: slots, outcomes: outcomes)
    }

    /// The finish script calls for a batch of outcomes, and which outcomes each call carries.
    func finishCalls(_ outcomes: [JobOutcome]) -> (calls: [ScriptCall], slots: [[Int]]) {
        var calls: [ScriptCall] = []
        var slots: [[Int]] = []
        for (type, members) in Self.grouped(outcomes, by: \.lease.jobID.type) {
            var start = 0
            while start < members.count {
                let chunk = members[start..<min(start + Self.batchSize, members.count)]
                var args = arguments(type)
                args.append(policy.completedRetentionMs)
                args.append(policy.deadRetentionMs)
                args.append(policy.retentionCount)
                args.append(policy.retryBaseMs)
                args.append(policy.retryMaxMs)
                args.append(String(policy.retryJitter))
                args.append(chunk.count)
                for (_, outcome) in chunk {
                    args.append(outcome.lease.jobID.rawValue)
                    args.append(String(outcome.lease.token))
                    switch outcome.kind {
                    case .completed(let result):
                        args.append("c")
                        args.append(result.serialized())
                        args.append(0)
                    case .failed(let error, let retryable):
                        args.append(retryable ? "f" : "x")
                        args.append(error)
                        args.append(String(Double.random(in: 0...1)))
                    }
                    args.append(Int(outcome.durationMicros))
                }
                calls.append((QueueScript.finish, [keys(type).meta], args))
                slots.append(chunk.map(\.index))
                start += Self.batchSize
            }
        }
        return (calls, slots)
    }

    /// Maps the finish scripts' replies back onto the outcomes, in order.
    static func decodeFinish(_ replies: ArraySlice<RedisReply>, slots: [[Int]], outcomes: [JobOutcome]) throws(JobQueueError) -> [FinishResult] {
        var results = [FinishResult?](repeating: nil, count: outcomes.count)
        for (reply, indices) in zip(replies, slots) {
            guard let flat = reply.array, flat.count == indices.count * 2 else {
                throw JobQueueError(.unavailable, "unexpected finish reply: \(reply)")
            }
            for (n, index) in indices.enumerated() {
                let lease = outcomes[index].lease
                switch flat[2 * n].string {
                case "completed": results[index] = .completed
                case "retry": results[index] = .retryScheduled(atMs: flat[2 * n + 1].int ?? 0)
                case "dead": results[index] = .dead
                case "missing": results[index] = .refused(JobQueueError(.jobNotFound, "job \(lease.jobID) does not exist"))
                default: results[index] = .refused(.staleLease(lease))
                }
            }
        }
        return results.map { $0! }
    }

    public func reportProgress(_ lease: JobLease, _ progress: JSONValue) async throws(JobQueueError) {
        var args = arguments(lease.jobID.type)
        args.append(lease.jobID.rawValue)
        args.append(String(lease.token))
        args.append(progress.serialized())
        let reply = try await run(QueueScript.progress, lease.jobID.type, args)
        try Self.checkFenced(reply, lease)
    }

    public func extend(_ lease: JobLease, by duration: Duration) async throws(JobQueueError) -> JobLease {
        var args = arguments(lease.jobID.type)
        args.append(lease.jobID.rawValue)
        args.append(String(lease.token))
        args.append(Int(duration.inMilliseconds))
        let reply = try await run(QueueScript.extend, lease.jobID.type, args)
        try Self.checkFenced(reply, lease)
        return JobLease(jobID: lease.jobID, workerID: lease.workerID, token: lease.token, deadlineMs: reply.int ?? lease.deadlineMs)
    }

    /// Maps a fenced script's answer: positive is done, 0 is a stale lease, -1 an unknown job.
    static func checkFenced(_ reply: RedisReply, _ lease: JobLease) throws(JobQueueError) {
        switch reply.int {
        case .some(let n) where n > 0: return
        case .some(-1): throw JobQueueError(.jobNotFound, "job \(lease.jobID) does not exist")
        case .some(0): throw .staleLease(lease)
        default: throw JobQueueError(.unavailable, "unexpected reply: \(reply)")
        }
    }

    public func cancel(_ id: JobID) async throws(JobQueueError) -> CancelResult {
        var args = arguments(id.type)
        args.append(id.rawValue)
        args.append(policy.completedRetentionMs)
        args.append(policy.retentionCount)
        let reply = try await run(QueueScript.cancel, id.type, args)
        switch reply.string {
        case "ok": return .cancelled
        case "missing": return .notFound
        case let other?:
            if let status = JobStatus(rawValue: other) { return .alreadyFinal(status) }
            throw JobQueueError(.unavailable, "unexpected cancel reply: \(other)")
        case nil: throw JobQueueError(.unavailable, "unexpected cancel reply: \(reply)")
        }
    }

    public func requeueLeases(ofWorker workerID: String, countingAttempt: Bool) async throws(JobQueueError) -> Int {
        let calls = JobType.allCases.map { type in
            var args = arguments(type)
            args.append(workerID)
            args.append(countingAttempt ? "1" : "0")
            args.append(policy.deadRetentionMs)
            args.append(policy.retentionCount)
            return (script: QueueScript.requeueWorker, keys: [keys(type).meta], arguments: args)
        }
        return try await runPipeline(calls).reduce(0) { $0 + Int($1.int ?? 0) }
    }

    public func releaseStickyJobs(ofWorker workerID: String) async throws(JobQueueError) -> Int {
        guard !workerID.isEmpty, !workerID.contains(" ") else {
            throw JobQueueError(.invalidRequest, "workerID must be non-empty and without spaces")
        }
        let calls = JobType.allCases.map { type in
            var args = arguments(type)
            args.append(workerID)
            return (script: QueueScript.releaseSticky, keys: [keys(type).meta], arguments: args)
        }
        return try await runPipeline(calls).reduce(0) { $0 + Int($1.int ?? 0) }
    }

    public func reapExpiredLeases() async throws(JobQueueError) -> Int {
        let calls = JobType.allCases.map { type in
            var args = arguments(type)
            args.append(policy.deadRetentionMs)
            args.append(policy.retentionCount)
            return (script: QueueScript.reap, keys: [keys(type).meta], arguments: args)
        }
        return try await runPipeline(calls).reduce(0) { $0 + Int($1.int ?? 0) }
    }
}
