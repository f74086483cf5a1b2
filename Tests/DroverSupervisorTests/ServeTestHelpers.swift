import DroverQueue
import DroverRedisQueue
import Testing

/// Polls until `condition` holds or `timeout` passes; generous, for slow machines.
func eventually(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

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
