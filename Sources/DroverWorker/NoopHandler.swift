import DroverQueue

/// The `noop` job: sleeps `payload.sleepMs` (default 0) and echoes its payload back.
///
/// Probes and benchmarks use it; `payload.fail` (a string) makes the attempt fail with that
/// message, so retry paths can be exercised end to end, and `payload.holdMB` holds that much
/// touched memory for the job's duration, so memory limits can be probed on a live pool.
public struct NoopHandler: JobHandler {
    /// The longest sleep a noop job may ask for: 10 minutes.
    public static let maxSleepMs = 600_000
    /// The most memory a noop job may hold.
    public static let maxHoldMB = 4_096

    public init() {}

    public func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        var held: [UInt8] = []
        if let hold = job.payload["holdMB"] {
            guard let mb = hold.intValue, (0...Self.maxHoldMB).contains(mb) else {
                throw JobFailure("payload.holdMB must be an integer 0...\(Self.maxHoldMB)", retryable: false)
            }
            // Written, not just reserved, so it counts in the process's RSS.
            held = [UInt8](repeating: 1, count: mb * 1_048_576)
        }
        defer { withExtendedLifetime(held) {} }
        let sleep = job.payload["sleepMs"]
        if let sleep {
            guard let ms = sleep.intValue, (0...Self.maxSleepMs).contains(ms) else {
                throw JobFailure("payload.sleepMs must be an integer 0...\(Self.maxSleepMs)", retryable: false)
            }
            // No timer slack: a probe that asked for 5 ms should take 5 ms, not whatever the timer coalesces to.
            if ms > 0 { try await Task.sleep(for: .milliseconds(ms), tolerance: .zero) }
        }
        if let message = job.payload["fail"]?.stringValue {
            throw JobFailure(message)
        }
        return job.payload
    }
}
