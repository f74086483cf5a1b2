import DroverQueue

/// The `noop` job: sleeps `payload.sleepMs` (default 0) and echoes its payload back.
///
/// Probes and benchmarks use it; `payload.fail` (a string) makes the attempt fail with that
/// message, so retry paths can be exercised end to end.
public struct NoopHandler: JobHandler {
    /// The longest sleep a noop job may ask for: 10 minutes.
    public static let maxSleepMs = 600_000

    public init() {}

    public func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        let sleep = job.payload["sleepMs"]
        if let sleep {
            guard let ms = sleep.intValue, (0...Self.maxSleepMs).contains(ms) else {
                throw JobFailure("payload.sleepMs must be an integer 0...\(Self.maxSleepMs)", retryable: false)
            }
            if ms > 0 { try await Task.sleep(for: .milliseconds(ms)) }
        }
        if let message = job.payload["fail"]?.stringValue {
            throw JobFailure(message)
        }
        return job.payload
    }
}
