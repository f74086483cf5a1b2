import DroverQueue
import DroverTestSupport
import Foundation
import Testing

/// A payload no other job of the run has, so that dedup never merges jobs a test means to keep apart.
func uniquePayload(_ fields: [String: JSONValue] = [:]) -> JSONValue {
    var members = fields
    members["nonce"] = .string(UUID().uuidString)
    return .object(members)
}

func request(
    _ type: JobType = .noop, priority: JobPriority = .normal, payload: JSONValue? = nil,
    timeoutMs: Int = JobRequest.defaultTimeoutMs, retries: Int = JobRequest.defaultRetries,
    idempotencyKey: String? = nil, delayMs: Int = 0
) -> JobRequest {
    JobRequest(
        type: type, priority: priority, payload: payload ?? uniquePayload(), timeoutMs: timeoutMs,
        retries: retries, idempotencyKey: idempotencyKey, delayMs: delayMs)
}

extension JobQueue {
    func enqueueOne(_ request: JobRequest) async throws -> JobID {
        let receipts = try await enqueue([request])
        try #require(receipts.count == 1)
        return receipts[0].id
    }

    /// The runnable jobs of one `reserve`; a malformed one fails the test.
    func reserveRunnable(
        _ types: [JobType] = [.noop], worker: String = "w1", limit: Int = 1
    ) async throws -> [(job: Job, lease: JobLease)] {
        try await reserve(from: types, workerID: worker, limit: limit).compactMap { reserved in
            switch reserved {
            case .runnable(let job, let lease): return (job, lease)
            case .malformed(_, let reason):
                Issue.record("unexpected malformed job: \(reason)")
                return nil
            }
        }
    }

    func reserveOne(_ types: [JobType] = [.noop], worker: String = "w1") async throws -> (job: Job, lease: JobLease)? {
        try await reserveRunnable(types, worker: worker, limit: 1).first
    }

    func complete(_ lease: JobLease, result: JSONValue = .object(["ok": .bool(true)]), micros: Int64 = 1_000) async throws -> FinishResult {
        try await finish([JobOutcome(lease: lease, kind: .completed(result: result), durationMicros: micros)])[0]
    }

    func fail(_ lease: JobLease, _ error: String = "boom", retryable: Bool = true, micros: Int64 = 1_000) async throws -> FinishResult {
        try await finish([JobOutcome(lease: lease, kind: .failed(error: error, retryable: retryable), durationMicros: micros)])[0]
    }

    /// Reserves until `id` comes up (it must be the only job of `types`), within a generous time.
    func reserveWhenDue(_ id: JobID, _ types: [JobType] = [.noop], worker: String = "w1") async throws -> (job: Job, lease: JobLease)? {
        var found: (job: Job, lease: JobLease)?
        _ = try await eventually {
            found = try await reserveOne(types, worker: worker)
            return found != nil
        }
        #expect(found?.job.id == id)
        return found
    }
}

extension FinishResult {
    var refusalCode: JobQueueError.Code? {
        if case .refused(let error) = self { return error.code }
        return nil
    }
}

func nowMs() -> Int64 { WallClock.milliseconds() }
