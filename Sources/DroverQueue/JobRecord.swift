/// Everything the queue keeps about one job: the shape of `GET /api/rag/job/{id}`.
public struct JobRecord: Sendable, Hashable {
    public var id: JobID
    public var status: JobStatus
    public var priority: JobPriority
    public var payload: JSONValue
    public var progress: JSONValue?
    public var result: JSONValue?
    /// The last attempt's error.
    public var error: String?
    public var attempts: Int
    public var retries: Int
    public var timeoutMs: Int
    /// The worker holding the current lease, or that ran the last attempt.
    public var workerID: String?
    public var createdAtMs: Int64
    public var startedAtMs: Int64?
    public var finishedAtMs: Int64?
    /// Each failed attempt, oldest first.
    public var history: [AttemptFailure]
    public var webhook: String?

    public var type: JobType { id.type }

    public init(
        id: JobID, status: JobStatus, priority: JobPriority, payload: JSONValue,
        progress: JSONValue? = nil, result: JSONValue? = nil, error: String? = nil,
        attempts: Int = 0, retries: Int = JobRequest.defaultRetries,
        timeoutMs: Int = JobRequest.defaultTimeoutMs, workerID: String? = nil,
        createdAtMs: Int64, startedAtMs: Int64? = nil, finishedAtMs: Int64? = nil,
        history: [AttemptFailure] = [], webhook: String? = nil
    ) {
        self.id = id
        self.status = status
        self.priority = priority
        self.payload = payload
        self.progress = progress
        self.result = result
        self.error = error
        self.attempts = attempts
        self.retries = retries
        self.timeoutMs = timeoutMs
        self.workerID = workerID
        self.createdAtMs = createdAtMs
        self.startedAtMs = startedAtMs
        self.finishedAtMs = finishedAtMs
        self.history = history
        self.webhook = webhook
    }
}

/// One failed attempt, kept in a job's history.
public struct AttemptFailure: Sendable, Hashable {
    public var attempt: Int
    public var error: String
    public var workerID: String?
    public var atMs: Int64

    public init(attempt: Int, error: String, workerID: String?, atMs: Int64) {
        self.attempt = attempt
        self.error = error
        self.workerID = workerID
        self.atMs = atMs
    }
}

/// A queue's counts, each read from a counter or a set's size, never from scanning keys.
public struct QueueCounts: Sendable, Hashable {
    public var waiting = 0
    public var active = 0
    /// Completed jobs still retained.
    public var completed = 0
    /// Jobs waiting out a retry backoff.
    public var failed = 0
    public var delayed = 0
    public var dead = 0
    /// Mean handler time over the last completed minutes, in milliseconds.
    public var averageProcessingMs: Double = 0
    /// Jobs finished in the last full minute.
    public var throughputPerMinute = 0

    public init() {}
}

/// How a job stands: its status, and its result or error once it has one.
public struct JobConclusion: Sendable, Hashable {
    public let status: JobStatus
    public let result: JSONValue?
    public let error: String?

    public init(status: JobStatus, result: JSONValue?, error: String?) {
        self.status = status
        self.result = result
        self.error = error
    }
}

/// A change of a job's state, published so that waiters learn of it without polling.
public struct JobEvent: Sendable, Hashable {
    public let id: JobID
    public let status: JobStatus

    public init(id: JobID, status: JobStatus) {
        self.id = id
        self.status = status
    }
}
