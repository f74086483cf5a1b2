/// A job as a client submits it, before the queue gives it an id.
public struct JobRequest: Sendable, Hashable {
    public var type: JobType
    public var priority: JobPriority
    /// `query`, `queries`, `documents`, `options`, `userId`, `sleepMs`: whatever the job type reads.
    public var payload: JSONValue
    /// How long one attempt may run, in milliseconds.
    public var timeoutMs: Int
    /// How many times a failed job runs again before it goes to the dead-letter queue.
    public var retries: Int
    /// A URL that receives the result when the job finishes.
    public var webhook: String?
    /// A client's own key: the same key returns the same job for as long as the key is kept.
    public var idempotencyKey: String?
    /// Milliseconds to wait before the job may run; 0 runs it as soon as a worker is free.
    public var delayMs: Int
    /// The worker whose sticky queue takes the job (from the supervisor's router); nil for the shared
    /// queues. A job routed to a worker that has drained or died goes to the shared queues instead.
    public var targetWorker: String?

    public static let defaultTimeoutMs = 30_000
    public static let defaultRetries = 2

    public init(
        type: JobType,
        priority: JobPriority = .normal,
        payload: JSONValue = .object([:]),
        timeoutMs: Int = JobRequest.defaultTimeoutMs,
        retries: Int = JobRequest.defaultRetries,
        webhook: String? = nil,
        idempotencyKey: String? = nil,
        delayMs: Int = 0
    ) {
        self.type = type
        self.priority = priority
        self.payload = payload
        self.timeoutMs = timeoutMs
        self.retries = retries
        self.webhook = webhook
        self.idempotencyKey = idempotencyKey
        self.delayMs = delayMs
    }

    /// The user the job runs for, used for dedup and sticky routing.
    public var userId: String? { payload["userId"]?.stringValue }
}

/// What the queue answers for one submitted job.
public struct EnqueueReceipt: Sendable, Hashable {
    public let id: JobID
    /// True when an equal job (or the same idempotency key) was already accepted: `id` is that job's.
    public let duplicate: Bool

    public init(id: JobID, duplicate: Bool) {
        self.id = id
        self.duplicate = duplicate
    }
}
