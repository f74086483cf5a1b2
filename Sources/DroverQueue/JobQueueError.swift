/// Why a queue operation did not happen.
public struct JobQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// The lease was taken away (expired, requeued, or the job was cancelled).
        case staleLease
        case jobNotFound
        /// The request itself is wrong: a bad field, a limit exceeded.
        case invalidRequest
        /// The backing store did not answer or answered nonsense; the call may be retried.
        case unavailable
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func staleLease(_ lease: JobLease) -> JobQueueError {
        JobQueueError(.staleLease, "job \(lease.jobID) is no longer leased to \(lease.workerID) with token \(lease.token)")
    }
}
