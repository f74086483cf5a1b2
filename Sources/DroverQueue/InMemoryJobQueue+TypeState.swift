extension InMemoryJobQueue {
    /// What the queue keeps about one job beyond its public record.
    struct Entry {
        var record: JobRecord
        var createdAtMicros: Int64
        /// The current lease's token; `nil` whenever the job is not active.
        var leaseToken: Int64?
        var leaseDeadlineMs: Int64 = 0
        /// The token of the lease that completed the job, so that a repeated ack is answered again.
        var completedToken: Int64?
        /// When a delayed job, or a failed one in its backoff, becomes waiting.
        var dueAtMs: Int64 = 0
        /// The worker whose sticky queue holds the job while it waits there.
        var stickyWorker: String?
    }

    /// One queue type's lists, counters and statistics.
    struct TypeState {
        var high = JobList()
        var normal = JobList()
        var low = JobList()
        /// Per worker id, the jobs routed to it, oldest first; an emptied queue is removed.
        var sticky: [String: JobList] = [:]
        /// Jobs taken while a `low` job waited; at `lowPriorityEvery` the next pick is `low`.
        var lowSkipped = 0
        /// `high` jobs taken while a `normal` job waited; at `normalPriorityEvery` the next is `normal`.
        var normalSkipped = 0
        var schedule = Schedule()
        var active: Set<JobID> = []
        /// Completed and cancelled jobs, oldest first, for retention.
        var finished = JobList()
        /// Dead jobs, oldest first.
        var dead = JobList()
        var statusCounts: [JobStatus: Int] = [:]
        var minutes: [MinuteStats] = []

        var waitingCount: Int { high.count + normal.count + low.count }

        func isWaiting(_ priority: JobPriority) -> Bool {
            switch priority {
            case .high: return !high.isEmpty
            case .normal: return !normal.isEmpty
            case .low: return !low.isEmpty
            }
        }

        /// Adds a waiting job at the back of its list, or at the front for a job put back.
        mutating func enlist(_ id: JobID, _ priority: JobPriority, atFront: Bool) {
            switch (priority, atFront) {
            case (.high, false): high.append(id)
            case (.high, true): high.prepend(id)
            case (.normal, false): normal.append(id)
            case (.normal, true): normal.prepend(id)
            case (.low, false): low.append(id)
            case (.low, true): low.prepend(id)
            }
        }

        mutating func delist(_ id: JobID, _ priority: JobPriority) {
            switch priority {
            case .high: high.remove(id)
            case .normal: normal.remove(id)
            case .low: low.remove(id)
            }
        }

        mutating func popFirst(_ priority: JobPriority) -> JobID? {
            switch priority {
            case .high: return high.popFirst()
            case .normal: return normal.popFirst()
            case .low: return low.popFirst()
            }
        }

        func count(_ status: JobStatus) -> Int { statusCounts[status, default: 0] }
    }

    /// Attempts finished in one wall-clock minute, for throughput and average processing time.
    struct MinuteStats {
        var minute: Int64
        var count = 0
        var totalMicros: Int64 = 0
    }
}
