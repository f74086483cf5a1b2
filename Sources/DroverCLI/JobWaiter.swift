import DroverQueue

/// Waits for a job to reach a final state, from job events rather than by polling.
enum JobWaiter {
    /// The job's record once it is completed, dead or cancelled, or as it stands at the timeout.
    static func waitForFinal(_ id: JobID, queue: any JobQueue, events: AsyncStream<JobEvent>, timeout: Duration) async throws -> JobRecord {
        // It may have finished before we listened: look once first.
        if let record = try await queue.job(id), record.status.isFinal { return record }
        let finalSeen = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await event in events where event.id == id && event.status.isFinal { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        _ = finalSeen
        guard let record = try await queue.job(id) else {
            throw JobQueueError(.jobNotFound, "job \(id) disappeared while waiting")
        }
        return record
    }
}
