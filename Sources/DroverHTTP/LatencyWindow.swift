/// The latest job latencies of one queue, for p50/p95/p99 on `queue/metrics`; bounded in size.
struct LatencyWindow: Sendable {
    private var samples: [Double]
    private var next = 0
    private(set) var count = 0

    init(capacity: Int = 2_048) {
        samples = Array(repeating: 0, count: capacity)
    }

    mutating func record(_ milliseconds: Double) {
        samples[next] = milliseconds
        next = (next + 1) % samples.count
        count = min(count + 1, samples.count)
    }

    /// The `q`-quantile (0...1) of the window, by nearest rank; `nil` when empty.
    func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let sorted = samples.prefix(count).sorted()
        let rank = Int((q * Double(count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), count - 1)]
    }
}
