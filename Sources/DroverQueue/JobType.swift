/// The kinds of job Drover runs; each has its own queue, named `rag:<type>`.
public enum JobType: String, Sendable, Hashable, CaseIterable, Codable {
    case ask, search, batch, index, evaluate
    /// Sleeps `payload.sleepMs` (default 0) and echoes its payload: for probes and benchmarks.
    case noop

    /// The queue that holds jobs of this type.
    public var queueName: String { "rag:" + rawValue }

    /// The type whose queue is named `name` (`rag:ask`), or `nil`.
    public init?(queueName name: String) {
        guard name.hasPrefix("rag:") else { return nil }
        self.init(rawValue: String(name.dropFirst(4)))
    }
}

/// How urgently a job runs: `high` goes first, and `low` still makes progress.
public enum JobPriority: String, Sendable, Hashable, CaseIterable, Codable {
    case high, normal, low
}

/// Where a job is in its life: `waiting → active → completed`, with the side paths in DESIGN.md.
public enum JobStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case waiting
    /// Accepted with a delay, not yet due.
    case delayed
    case active
    case completed
    /// An attempt failed and the job waits out its backoff before it runs again.
    case failed
    /// Every attempt failed; the job is in the dead-letter queue.
    case dead
    case cancelled

    /// Whether the job can change state again (a dead job can be retried by hand).
    public var isFinal: Bool {
        switch self {
        case .completed, .dead, .cancelled: return true
        case .waiting, .delayed, .active, .failed: return false
        }
    }
}
