/// A worker's periodic report, sent from a thread that runs no jobs so a long job never silences it.
public struct WorkerHeartbeat: Hashable, Sendable {
    public var activeJobs: Int
    public var completedJobs: Int
    public var failedJobs: Int
    public var avgLatencyMs: Double
    public var memoryUsageMB: Double
    public var cpuPercent: Double
    public var uptimeSeconds: Double
    /// The jobs running now, so the supervisor can name the one that overran.
    public var activeJobIDs: [String]
    /// For each of `activeJobIDs`, in order: how long it has run and its timeout, in ms. Ages
    /// rather than start times, so the two processes never need to agree on a clock.
    public var activeJobElapsedMs: [Int]
    public var activeJobTimeoutMs: [Int]
    /// The RAG cache's hits and misses; zero for a worker that serves no RAG queue.
    public var cache = CacheCounts()

    public init(
        activeJobs: Int = 0,
        completedJobs: Int = 0,
        failedJobs: Int = 0,
        avgLatencyMs: Double = 0,
        memoryUsageMB: Double = 0,
        cpuPercent: Double = 0,
        uptimeSeconds: Double = 0,
        activeJobIDs: [String] = [],
        activeJobElapsedMs: [Int]? = nil,
        activeJobTimeoutMs: [Int]? = nil
    ) {
        self.activeJobs = activeJobs
        self.completedJobs = completedJobs
        self.failedJobs = failedJobs
        self.avgLatencyMs = avgLatencyMs
        self.memoryUsageMB = memoryUsageMB
        self.cpuPercent = cpuPercent
        self.uptimeSeconds = uptimeSeconds
        self.activeJobIDs = activeJobIDs
        self.activeJobElapsedMs = activeJobElapsedMs ?? Array(repeating: 0, count: activeJobIDs.count)
        self.activeJobTimeoutMs = activeJobTimeoutMs ?? Array(repeating: 0, count: activeJobIDs.count)
    }
}
