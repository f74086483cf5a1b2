import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Testing

func noopJobs(_ count: Int, sleepMs: Int, timeoutMs: Int = 30_000) -> [JobRequest] {
    (0..<count).map { JobRequest(type: .noop, payload: .object(["sleepMs": .int(sleepMs), "i": .int($0)]), timeoutMs: timeoutMs) }
}

func allCompleted(_ queue: RedisJobQueue, _ ids: [JobID]) async throws -> Bool {
    for id in ids where try await queue.job(id)?.status != .completed { return false }
    return true
}

/// Whether every job has left the waiting state (running or done): unlike a count of running jobs
/// at one instant, this stays true, so a poll delayed by a loaded machine still sees it.
func allStarted(_ queue: RedisJobQueue, _ ids: [JobID]) async throws -> Bool {
    for id in ids {
        guard let status = try await queue.job(id)?.status, status != .waiting else { return false }
    }
    return true
}
