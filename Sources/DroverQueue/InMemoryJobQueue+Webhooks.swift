extension InMemoryJobQueue {
    public func webhooks(of ids: [JobID]) async throws(JobQueueError) -> [String?] {
        ids.map { id in jobs[id]?.record.webhook.flatMap { $0.isEmpty ? nil : $0 } }
    }
}
