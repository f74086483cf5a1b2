import DroverQueue

/// How one worker process runs jobs.
public struct WorkerConfiguration: Sendable {
    /// The worker's id: leases carry it, and the supervisor requeues by it. Default: `w-<pid>`.
    public var workerID: String
    /// The job types whose queues this worker pulls from. Default: all.
    public var types: [JobType] = JobType.allCases
    /// Jobs run at once; the worker never reserves more than its free slots. Default: 3.
    public var concurrency: Int = 3
    /// The longest single blocking wait for new work, so a drain is noticed promptly. Default: 1 s.
    public var waitTimeout: Duration = .seconds(1)
    /// The first and the longest pause after the queue backend failed. Default: 50 ms, 2 s.
    public var retryDelay: Duration = .milliseconds(50)
    public var maxRetryDelay: Duration = .seconds(2)

    public init(workerID: String) {
        self.workerID = workerID
    }
}
