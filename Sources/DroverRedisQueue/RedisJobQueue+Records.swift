import DroverQueue
import DroverRedis

extension RedisJobQueue {
    public func job(_ id: JobID) async throws(JobQueueError) -> JobRecord? {
        let reply: RedisReply
        do {
            reply = try await commands.send(["HGETALL", keys(id.type).job(id)])
        } catch {
            throw Self.queueError(error)
        }
        return try Self.decodeRecord(id, reply)
    }

    public func conclusions(of ids: [JobID]) async throws(JobQueueError) -> [JobConclusion?] {
        guard !ids.isEmpty else { return [] }
        let replies: [RedisReply]
        do {
            replies = try await commands.pipeline(ids.map { ["HMGET", keys($0.type).job($0), "st", "res", "err"] })
        } catch {
            throw Self.queueError(error)
        }
        var found: [JobConclusion?] = []
        found.reserveCapacity(ids.count)
        for reply in replies {
            guard let fields = reply.array, fields.count == 3 else {
                throw JobQueueError(.unavailable, "unexpected HMGET reply: \(reply)")
            }
            // A hash without a status is no job (it expired, or never was).
            found.append(fields[0].string == nil ? nil : Self.conclusion(status: fields[0], result: fields[1], error: fields[2]))
        }
        return found
    }

    /// Status, result and error as every reader of a job hash takes them, so `job(_:)` and
    /// `conclusions(of:)` answer alike for the same hash: an unreadable status reads as waiting,
    /// an unparsable result as none.
    static func conclusion(status: RedisReply?, result: RedisReply?, error: RedisReply?) -> JobConclusion {
        JobConclusion(
            status: status?.string.flatMap(JobStatus.init(rawValue:)) ?? .waiting,
            result: result?.bytes.flatMap { try? JSONValue(parsing: $0) },
            error: error?.string)
    }

    public func waitingCount(in types: [JobType]) async throws(JobQueueError) -> Int {
        var commands: [RedisCommand] = []
        for type in Set(types) {
            let k = keys(type)
            commands += [["LLEN", k.waiting(.high)], ["LLEN", k.waiting(.normal)], ["LLEN", k.waiting(.low)], ["HGET", k.meta, "sw"]]
        }
        guard !commands.isEmpty else { return 0 }
        let replies: [RedisReply]
        do {
            replies = try await self.commands.pipeline(commands)
        } catch {
            throw Self.queueError(error)
        }
        return replies.reduce(0) { $0 + Int($1.int ?? $1.string.flatMap { Int64($0) } ?? 0) }
    }

    public func counts(of type: JobType) async throws(JobQueueError) -> QueueCounts {
        let k = keys(type)
        let nowMs = WallClock.milliseconds()
        let minute = nowMs / 60_000
        // Finished jobs past retention leave their index only on the next write: count by age instead.
        let completedSince = String(nowMs - Int64(policy.completedRetentionMs))
        let deadSince = String(nowMs - Int64(policy.deadRetentionMs))
        // Buckets for the last five full minutes and the current one.
        let minutes = (0...5).map { minute - Int64($0) }
        var commands: [RedisCommand] = [
            ["LLEN", k.waiting(.high)], ["LLEN", k.waiting(.normal)], ["LLEN", k.waiting(.low)],
            // The pin member of `active` (see QueueScript.library) is scored +inf: count below it.
            ["ZCOUNT", k.active, "-inf", "(+inf"], ["ZCOUNT", k.completed, completedSince, "+inf"], ["ZCARD", k.retry],
            ["ZCARD", k.delayed], ["ZCOUNT", k.dead, deadSince, "+inf"],
        ]
        for m in minutes { commands.append(["HMGET", k.stats(minute: m), "n", "us"]) }
        // Last: the jobs in every worker's sticky queue.
        commands.append(["HGET", k.meta, "sw"])
        let replies: [RedisReply]
        do {
            replies = try await self.commands.pipeline(commands)
        } catch {
            throw Self.queueError(error)
        }
        func number(_ r: RedisReply) -> Int { Int(r.int ?? r.string.flatMap { Int64($0) } ?? 0) }
        var counts = QueueCounts()
        counts.waiting = number(replies[0]) + number(replies[1]) + number(replies[2]) + number(replies[replies.count - 1])
        counts.active = number(replies[3])
        counts.completed = number(replies[4])
        counts.failed = number(replies[5])
        counts.delayed = number(replies[6])
        counts.dead = number(replies[7])
        var jobs = 0
        var micros = 0
        for (offset, reply) in replies[8..<(replies.count - 1)].enumerated() {
            let fields = reply.array ?? []
            let n = fields.count == 2 ? number(fields[0]) : 0
            let us = fields.count == 2 ? number(fields[1]) : 0
            if offset == 1 { counts.throughputPerMinute = n }
            jobs += n
            micros += us
        }
        counts.averageProcessingMs = jobs > 0 ? Double(micros) / Double(jobs) / 1000 : 0
        return counts
    }

    public func deadLetters(of type: JobType, limit: Int) async throws(JobQueueError) -> [JobRecord] {
        guard limit >= 0 else { throw JobQueueError(.invalidRequest, "limit must not be negative, got \(limit)") }
        guard limit > 0 else { return [] }
        let k = keys(type)
        do {
            let since = String(WallClock.milliseconds() - Int64(policy.deadRetentionMs))
            let ids = (try await commands.send(["ZREVRANGEBYSCORE", k.dead, "+inf", since, "LIMIT", "0", String(limit)])).array ?? []
            let jobIDs = ids.compactMap { $0.string.flatMap(JobID.init) }
            let replies = try await commands.pipeline(jobIDs.map { ["HGETALL", k.job($0)] })
            var records: [JobRecord] = []
            for (id, reply) in zip(jobIDs, replies) {
                if let record = try Self.decodeRecord(id, reply) { records.append(record) }
            }
            return records
        } catch let error as RedisError {
            throw Self.queueError(error)
        } catch let error as JobQueueError {
            throw error
        } catch {
            throw JobQueueError(.unavailable, "\(error)")
        }
    }

    public func retryDeadLetter(_ id: JobID) async throws(JobQueueError) -> Bool {
        var args = arguments(id.type)
        args.append(id.rawValue)
        return try await run(QueueScript.retryDead, id.type, args).int == 1
    }

    public func purgeDeadLetters(of type: JobType) async throws(JobQueueError) -> Int {
        Int(try await run(QueueScript.purgeDead, type, arguments(type)).int ?? 0)
    }

    public func events(of types: [JobType], statuses: Set<JobStatus>) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        let channels = types.flatMap { type in statuses.sorted { $0.rawValue < $1.rawValue }.map { keys(type).events($0) } }
        return try await events(on: channels, statuses: statuses)
    }

    public func webhookEvents(of types: [JobType]) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        try await events(on: types.map { keys($0).webhookEvents }, statuses: [.completed, .dead])
    }

    /// The events published on `channels` whose status is one of `statuses`.
    private func events(on channels: [String], statuses: Set<JobStatus>) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        if channels.isEmpty {
            // Nothing asked for, nothing to hear: an ended stream rather than a subscription to no channel.
            return AsyncStream { $0.finish() }
        }
        let subscription: RedisSubscription
        do {
            subscription = try await RedisSubscription.subscribe(url: url, channels: channels, options: options)
        } catch {
            throw Self.queueError(error)
        }
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(100_000))
        let pump = Task {
            for await message in subscription.messages {
                for event in Self.decodeEvents(message.payload, statuses: statuses) { continuation.yield(event) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            pump.cancel()
            subscription.close()
        }
        return stream
    }

    /// Reads `status id1 id2 …` when the status is one of `statuses`, looking at nothing past the
    /// status word otherwise; words that are not a status or an id are skipped.
    static func decodeEvents(_ payload: [UInt8], statuses: Set<JobStatus>) -> [JobEvent] {
        let space = UInt8(ascii: " ")
        let end = payload.firstIndex(of: space) ?? payload.endIndex
        guard let status = JobStatus(rawValue: String(decoding: payload[..<end], as: UTF8.self)),
              statuses.contains(status) else { return [] }
        return payload[end...].split(separator: space).compactMap { word in
            JobID(String(decoding: word, as: UTF8.self)).map { JobEvent(id: $0, status: status) }
        }
    }

    /// Turns a job hash into a record. Fields that cannot be read are reported, never guessed.
    static func decodeRecord(_ id: JobID, _ reply: RedisReply) throws(JobQueueError) -> JobRecord? {
        let flat: [RedisReply]
        switch reply {
        case .array(let items), .map(let items): flat = items
        case .null: return nil
        default: throw JobQueueError(.unavailable, "unexpected HGETALL reply: \(reply)")
        }
        if flat.isEmpty { return nil }
        var fields: [String: RedisReply] = [:]
        var i = 0
        while i + 1 < flat.count {
            if let name = flat[i].string { fields[name] = flat[i + 1] }
            i += 2
        }
        func text(_ name: String) -> String? { fields[name]?.string }
        func int64(_ name: String) -> Int64? { text(name).flatMap { Int64($0) } }
        func json(_ name: String) -> JSONValue? {
            guard let bytes = fields[name]?.bytes else { return nil }
            return try? JSONValue(parsing: bytes)
        }
        let conclusion = Self.conclusion(status: fields["st"], result: fields["res"], error: fields["err"])
        let payload = json("pl")
        var record = JobRecord(
            id: id,
            status: conclusion.status,
            priority: text("pri").flatMap(JobPriority.init(rawValue:)) ?? .normal,
            payload: payload ?? .null,
            progress: json("prog"),
            result: conclusion.result,
            error: conclusion.error,
            attempts: Int(int64("att") ?? 0),
            retries: Int(int64("rt") ?? 0),
            timeoutMs: Int(int64("to") ?? 0),
            workerID: text("w"),
            createdAtMs: (int64("ct") ?? 0) / 1000,
            startedAtMs: int64("su").map { $0 / 1000 },
            finishedAtMs: int64("fu").map { $0 / 1000 },
            history: [],
            webhook: text("hook")
        )
        if fields["pl"] != nil && payload == nil {
            record.error = record.error ?? "stored payload is not valid JSON"
        }
        if let history = json("hist")?.arrayValue {
            record.history = history.map {
                AttemptFailure(
                    attempt: $0["attempt"]?.intValue ?? 0,
                    error: $0["error"]?.stringValue ?? "",
                    workerID: $0["worker"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                    atMs: Int64($0["at"]?.intValue ?? 0))
            }
        }
        return record
    }
}
