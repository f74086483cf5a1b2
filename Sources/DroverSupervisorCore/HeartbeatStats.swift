/// What a worker reports in each heartbeat.
public struct HeartbeatStats: Hashable, Sendable {
    public var activeJobs: Int
    public var completedJobs: Int
    public var failedJobs: Int
    public var avgLatencyMs: Double
    /// The worker's own view; memory decisions use the supervisor's /proc reading instead.
    public var memoryUsageMB: Double
    public var cpuPercent: Double
    public var uptimeMs: Int64
    public var runningJobs: [RunningJob]

    public init(
        activeJobs: Int = 0, completedJobs: Int = 0, failedJobs: Int = 0, avgLatencyMs: Double = 0,
        memoryUsageMB: Double = 0, cpuPercent: Double = 0, uptimeMs: Int64 = 0, runningJobs: [RunningJob] = []
    ) {
        self.activeJobs = activeJobs
        self.completedJobs = completedJobs
        self.failedJobs = failedJobs
        self.avgLatencyMs = avgLatencyMs
        self.memoryUsageMB = memoryUsageMB
        self.cpuPercent = cpuPercent
        self.uptimeMs = uptimeMs
        self.runningJobs = runningJobs
    }
}
