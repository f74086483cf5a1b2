/// A job as a worker runs it: the submitted request plus what the queue knows of its life.
public struct Job: Sendable, Hashable {
    public let id: JobID
    public let priority: JobPriority
    public let payload: JSONValue
    public let timeoutMs: Int
    public let retries: Int
    /// This attempt's number, from 1.
    public let attempt: Int
    /// When the queue accepted the job, in microseconds since the epoch (the queue's clock).
    public let createdAtMicros: Int64

    public var type: JobType { id.type }

    public init(
        id: JobID, priority: JobPriority, payload: JSONValue, timeoutMs: Int, retries: Int,
        attempt: Int, createdAtMicros: Int64
    ) {
        self.id = id
        self.priority = priority
        self.payload = payload
        self.timeoutMs = timeoutMs
        self.retries = retries
        self.attempt = attempt
        self.createdAtMicros = createdAtMicros
    }
}

/// The right to run one job, held by one worker until a deadline.
///
/// The token fences writes: a completion or progress update is accepted only while the job's
/// current lease carries the same token, so a worker whose lease was taken away cannot write.
public struct JobLease: Sendable, Hashable {
    public let jobID: JobID
    public let workerID: String
    public let token: Int64
    /// When the lease runs out, in milliseconds since the epoch (the queue's clock).
    public let deadlineMs: Int64

    public init(jobID: JobID, workerID: String, token: Int64, deadlineMs: Int64) {
        self.jobID = jobID
        self.workerID = workerID
        self.token = token
        self.deadlineMs = deadlineMs
    }
}

/// One job handed to a worker by `reserve`.
public enum ReservedJob: Sendable, Hashable {
    /// A job that can run.
    case runnable(Job, JobLease)
    /// A job whose stored form could not be read; the worker must fail it without retry.
    case malformed(JobLease, reason: String)

    public var lease: JobLease {
        switch self {
        case .runnable(_, let lease), .malformed(let lease, _): return lease
        }
    }
}
