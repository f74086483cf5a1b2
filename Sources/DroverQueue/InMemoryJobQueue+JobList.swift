extension InMemoryJobQueue {
    /// A FIFO of job ids that also takes ids at the front, in amortized O(1).
    ///
    /// An array with a moving head: popped slots are reclaimed when they outnumber the live ones,
    /// and a push to the front reuses the slot before the head when there is one.
    struct JobList {
        private var items: [JobID] = []
        private var head = 0

        var count: Int { items.count - head }
        var isEmpty: Bool { head == items.count }
        var first: JobID? { isEmpty ? nil : items[head] }

        mutating func append(_ id: JobID) { items.append(id) }

        mutating func prepend(_ id: JobID) {
            if head > 0 {
                head -= 1
                items[head] = id
            } else {
                items.insert(id, at: 0)
            }
        }

        @discardableResult
        mutating func popFirst() -> JobID? {
            guard head < items.count else { return nil }
            let id = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return id
        }

        /// Removes `id` wherever it is; O(n), for the rare cancel or hand retry.
        @discardableResult
        mutating func remove(_ id: JobID) -> Bool {
            guard let index = items[head...].firstIndex(of: id) else { return false }
            items.remove(at: index)
            return true
        }

        mutating func removeAll() {
            items.removeAll()
            head = 0
        }

        /// The ids from newest (back) to oldest (front).
        var newestFirst: ReversedCollection<ArraySlice<JobID>> { items[head...].reversed() }
    }
}
