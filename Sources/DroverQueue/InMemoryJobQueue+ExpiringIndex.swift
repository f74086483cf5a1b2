extension InMemoryJobQueue {
    /// A key of one queue type: a canonical payload for dedup, or a client's idempotency key.
    struct TypedKey: Hashable {
        var type: JobType
        var text: String
    }

    /// Keys that point at a job for a fixed time after they were first seen, then are forgotten.
    ///
    /// Keys expire in the order they were added, so a FIFO finds the expired ones without a scan.
    struct ExpiringIndex {
        private var entries: [TypedKey: (id: JobID, atMs: Int64)] = [:]
        private var order: [(key: TypedKey, atMs: Int64)] = []
        private var head = 0
        let ttlMs: Int64

        init(ttlMs: Int) {
            self.ttlMs = Int64(ttlMs)
        }

        var count: Int { entries.count }

        /// The job first seen with `key`, if that was less than the TTL ago.
        func lookup(_ key: TypedKey, nowMs: Int64) -> JobID? {
            guard let entry = entries[key], nowMs - entry.atMs < ttlMs else { return nil }
            return entry.id
        }

        /// Remembers `key` for `id` from now on; a no-op when the TTL is zero (the feature is off).
        mutating func insert(_ key: TypedKey, id: JobID, nowMs: Int64) {
            guard ttlMs > 0 else { return }
            entries[key] = (id, nowMs)
            order.append((key, nowMs))
        }

        mutating func prune(nowMs: Int64) {
            while head < order.count, nowMs - order[head].atMs >= ttlMs {
                let (key, atMs) = order[head]
                // The key may have been set again later; only the entry of this stamp expires here.
                if entries[key]?.atMs == atMs { entries[key] = nil }
                head += 1
            }
            if head == order.count {
                order.removeAll(keepingCapacity: order.count < 1_024)
                head = 0
            } else if head >= 1_024 && head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
