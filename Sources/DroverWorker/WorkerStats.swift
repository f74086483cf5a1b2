import Synchronization

/// Counters a worker reports in its heartbeats.
public struct WorkerStats: Sendable, Hashable {
    public var activeJobs = 0
    public var completedJobs = 0
    public var failedJobs = 0
    /// Mean handler time of the finished jobs, in milliseconds.
    public var averageLatencyMs: Double = 0

    public init() {}
}

/// The live counters, shared between the job loop and whoever reports them (another thread).
public final class WorkerStatsBox: Sendable {
    private let state = Mutex((stats: WorkerStats(), totalMicros: Int64(0)))

    public init() {}

    public var snapshot: WorkerStats { state.withLock { $0.stats } }

    func started(_ count: Int) {
        state.withLock { $0.stats.activeJobs += count }
    }

    /// A job left without an outcome of its own (a user cancelled it): neither completed nor failed.
    func released() {
        state.withLock { $0.stats.activeJobs -= 1 }
    }

    func finished(succeeded: Bool, micros: Int64) {
        state.withLock { s in
            s.stats.activeJobs -= 1
            if succeeded { s.stats.completedJobs += 1 } else { s.stats.failedJobs += 1 }
            s.totalMicros += micros
            let done = s.stats.completedJobs + s.stats.failedJobs
            s.stats.averageLatencyMs = Double(s.totalMicros) / Double(done) / 1000
        }
    }
}
