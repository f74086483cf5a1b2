extension InMemoryJobQueue {
    /// A job waiting for a time: a delayed job or a failed one in its backoff.
    struct ScheduledJob {
        var dueMs: Int64
        /// Breaks ties between equal due times in the order the jobs were scheduled.
        var sequence: UInt64
        var id: JobID

        func precedes(_ other: ScheduledJob) -> Bool {
            dueMs != other.dueMs ? dueMs < other.dueMs : sequence < other.sequence
        }
    }

    /// A binary min-heap of scheduled jobs, earliest due first.
    ///
    /// Entries are not removed when a scheduled job is cancelled; the queue drops such stale
    /// entries when they reach the top, and rebuilds the heap when they pile up.
    struct Schedule {
        private(set) var entries: [ScheduledJob] = []

        var count: Int { entries.count }
        var top: ScheduledJob? { entries.first }

        mutating func insert(_ job: ScheduledJob) {
            entries.append(job)
            var child = entries.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard entries[child].precedes(entries[parent]) else { break }
                entries.swapAt(child, parent)
                child = parent
            }
        }

        @discardableResult
        mutating func popTop() -> ScheduledJob? {
            guard !entries.isEmpty else { return nil }
            entries.swapAt(0, entries.count - 1)
            let top = entries.removeLast()
            siftDown(from: 0)
            return top
        }

        /// Keeps only the entries for which `isLive` holds.
        mutating func compact(keeping isLive: (ScheduledJob) -> Bool) {
            entries.removeAll { !isLive($0) }
            for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) {
                siftDown(from: index)
            }
        }

        private mutating func siftDown(from start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
                if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
                if smallest == parent { return }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }
}
