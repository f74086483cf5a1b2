extension InMemoryJobQueue {
    /// Minutes before the current one that `averageProcessingMs` also covers.
    static let averageWindowMinutes: Int64 = 5

    public func job(_ id: JobID) async throws(JobQueueError) -> JobRecord? {
        housekeep(nowMs: WallClock.milliseconds())
        return jobs[id]?.record
    }

    public func counts(of type: JobType) async throws(JobQueueError) -> QueueCounts {
        let nowMs = WallClock.milliseconds()
        housekeep(nowMs: nowMs)
        let state = states[type]!
        var counts = QueueCounts()
        counts.waiting = state.count(.waiting)
        counts.active = state.count(.active)
        counts.completed = state.count(.completed)
        counts.failed = state.count(.failed)
        counts.delayed = state.count(.delayed)
        counts.dead = state.count(.dead)
        let minute = nowMs / 60_000
        var finished = 0
        var totalMicros: Int64 = 0
        for bucket in state.minutes where bucket.minute >= minute - Self.averageWindowMinutes && bucket.minute <= minute {
            finished += bucket.count
            totalMicros += bucket.totalMicros
            if bucket.minute == minute - 1 { counts.throughputPerMinute = bucket.count }
        }
        if finished > 0 { counts.averageProcessingMs = Double(totalMicros) / Double(finished) / 1_000 }
        return counts
    }

    public func waitingCount(in types: [JobType]) async throws(JobQueueError) -> Int {
        housekeep(nowMs: WallClock.milliseconds())
        return Set(types).reduce(0) { $0 + states[$1]!.count(.waiting) }
    }

    /// Adds one finished attempt to its minute's statistics; only the minutes `counts` reads are kept.
    func recordDuration(_ micros: Int64, of type: JobType, nowMs: Int64) {
        let minute = nowMs / 60_000
        let duration = max(0, micros)
        if let last = states[type]!.minutes.indices.last, states[type]!.minutes[last].minute == minute {
            states[type]!.minutes[last].count += 1
            states[type]!.minutes[last].totalMicros &+= duration
        } else {
            states[type]!.minutes.removeAll { $0.minute < minute - Self.averageWindowMinutes }
            states[type]!.minutes.append(MinuteStats(minute: minute, count: 1, totalMicros: duration))
        }
    }
}
