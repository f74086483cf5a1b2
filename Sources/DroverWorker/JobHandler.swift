import DroverQueue

/// Runs the jobs of one type. The RAG pipeline and `noop` are handlers; none of them sees
/// processes, leases or Redis keys.
public protocol JobHandler: Sendable {
    /// Runs one attempt and returns its result.
    ///
    /// Throw `JobFailure` to say whether the job may be retried; any other error is retried.
    /// The task is cancelled when the job's timeout passes; a handler should stop soon after.
    func handle(_ job: Job, context: JobContext) async throws -> JSONValue
}

/// What a running handler may do besides returning: report progress.
public struct JobContext: Sendable {
    let progressSink: @Sendable (JSONValue) async -> Void

    public init(progress: @escaping @Sendable (JSONValue) async -> Void) {
        self.progressSink = progress
    }

    /// Records the job's progress (for example `{"step": "embed", "done": 40, "total": 100}`).
    /// A progress update whose lease was taken away is dropped.
    public func reportProgress(_ progress: JSONValue) async {
        await progressSink(progress)
    }
}

/// A handler's failure, saying whether another attempt could succeed.
public struct JobFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let retryable: Bool

    public init(_ message: String, retryable: Bool = true) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }
}
