/// How one attempt ended, as a worker reports it to `finish`.
public struct JobOutcome: Sendable, Hashable {
    /// The attempt's end.
    public enum Kind: Sendable, Hashable {
        case completed(result: JSONValue)
        /// `retryable: false` sends the job straight to the dead-letter queue.
        case failed(error: String, retryable: Bool)
    }

    public let lease: JobLease
    public let kind: Kind
    /// How long the handler ran, in microseconds; feeds the queue's average processing time.
    public let durationMicros: Int64

    public init(lease: JobLease, kind: Kind, durationMicros: Int64) {
        self.lease = lease
        self.kind = kind
        self.durationMicros = durationMicros
    }
}

/// What the queue did with one reported outcome.
public enum FinishResult: Sendable, Hashable {
    case completed
    /// The attempt failed and the job runs again after its backoff.
    case retryScheduled(atMs: Int64)
    /// The last attempt failed (or the failure was not retryable): the job is dead-lettered.
    case dead
    /// The write was refused: the lease is no longer the job's current one, or the job is gone.
    case refused(JobQueueError)
}

/// What `cancel` found.
public enum CancelResult: Sendable, Hashable {
    case cancelled
    /// The job had already finished (completed, dead or cancelled): nothing changed.
    case alreadyFinal(JobStatus)
    case notFound
}
