/// The `capacity` best (row, score) pairs seen, kept in a binary min-heap; ties go to the lower row.
struct TopScores {
    let capacity: Int
    private(set) var heap: [(row: Int32, score: Float)] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        heap.reserveCapacity(self.capacity)
    }

    private static func worse(_ a: (row: Int32, score: Float), _ b: (row: Int32, score: Float)) -> Bool {
        a.score < b.score || (a.score == b.score && a.row > b.row)
    }

    /// The score a new entry must beat once full.
    var threshold: Float { heap.count < capacity ? -.infinity : heap[0].score }

    mutating func offer(_ row: Int32, _ score: Float) {
        let entry = (row: row, score: score)
        if heap.count < capacity {
            heap.append(entry)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.worse(heap[i], heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        } else if Self.worse(heap[0], entry) {
            heap[0] = entry
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, Self.worse(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// Best first.
    func sorted() -> [(row: Int32, score: Float)] {
        heap.sorted { Self.worse($1, $0) }
    }
}
