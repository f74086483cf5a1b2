import DroverQueue

/// The `noop` job: sleeps `payload.sleepMs` (default 0) and echoes its payload back.
///
/// Probes and benchmarks use it; `payload.fail` (a string) makes the attempt fail with that
/// message, so retry paths can be exercised end to end, and `payload.holdMB` holds that much
/// touched memory for the job's duration, so memory limits can be probed on a live pool.
/// Enqueue refuses bad values already; the checks here are for payloads read back from Redis.
public struct NoopHandler: JobHandler {
    /// The longest sleep a noop job may ask for: 10 minutes.
    public static let maxSleepMs = JobRequest.maxNoopSleepMs
    /// The most memory a noop job may hold.
    public static let maxHoldMB = JobRequest.maxNoopHoldMB

    public init() {}

    public func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        var held: [UInt8] = []
        if let mb = try Self.integer(job, "holdMB", in: 0...Self.maxHoldMB) {
            // Written, not just reserved, so it counts in the process's RSS.
            held = [UInt8](repeating: 1, count: mb * 1_048_576)
        }
        defer { withExtendedLifetime(held) {} }
        // No timer slack: a probe that asked for 5 ms should take 5 ms, not whatever the timer coalesces to.
        if let ms = try Self.integer(job, "sleepMs", in: 0...Self.maxSleepMs), ms > 0 {
            try await Task.sleep(for: .milliseconds(ms), tolerance: .zero)
        }
        if let message = job.payload["fail"]?.stringValue {
            throw JobFailure(message)
        }
        return job.payload
    }

    /// A payload field read with enqueue's rule; a bad one (a payload edited in Redis) fails for good.
    private static func integer(_ job: Job, _ name: String, in range: ClosedRange<Int>) throws(JobFailure) -> Int? {
        do throws(JobQueueError) {
            return try JobRequest.optionalInteger(job.payload[name], "payload.\(name)", in: range)
        } catch {
            throw JobFailure(error.message, retryable: false)
        }
    }
}
