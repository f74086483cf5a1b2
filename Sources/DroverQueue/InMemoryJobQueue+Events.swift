extension InMemoryJobQueue {
    /// Events buffered for one slow subscriber before the oldest are dropped.
    static let eventBufferLimit = 10_000

    /// One `events(of:)` stream.
    struct Subscriber {
        let types: Set<JobType>
        let statuses: Set<JobStatus>
        /// Only jobs that carry a webhook (`webhookEvents(of:)`).
        var onlyWithWebhook = false
        let continuation: AsyncStream<JobEvent>.Continuation
    }

    /// Each change of jobs of `types` into one of `statuses`, from now on; a subscriber that reads
    /// too slowly loses the oldest events beyond `eventBufferLimit` rather than growing without bound.
    public func events(of types: [JobType], statuses: Set<JobStatus>) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        subscribe(types, statuses: statuses, onlyWithWebhook: false)
    }

    public func webhookEvents(of types: [JobType]) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        subscribe(types, statuses: [.completed, .dead], onlyWithWebhook: true)
    }

    private func subscribe(_ types: [JobType], statuses: Set<JobStatus>, onlyWithWebhook: Bool) -> AsyncStream<JobEvent> {
        // Nothing asked for, nothing to hear: an ended stream, as the Redis queue answers.
        if types.isEmpty || statuses.isEmpty { return AsyncStream { $0.finish() } }
        let (stream, continuation) = AsyncStream.makeStream(
            of: JobEvent.self, bufferingPolicy: .bufferingNewest(Self.eventBufferLimit))
        let id = nextSubscriberID
        nextSubscriberID += 1
        subscribers[id] = Subscriber(
            types: Set(types), statuses: statuses, onlyWithWebhook: onlyWithWebhook, continuation: continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeSubscriber(id) }
        }
        return stream
    }

    func publish(_ event: JobEvent) {
        guard !subscribers.isEmpty else { return }
        var gone: [Int] = []
        let hasWebhook = jobs[event.id]?.record.webhook.map { !$0.isEmpty } ?? false
        for (id, subscriber) in subscribers where subscriber.types.contains(event.id.type) && subscriber.statuses.contains(event.status) {
            if subscriber.onlyWithWebhook && !hasWebhook { continue }
            if case .terminated = subscriber.continuation.yield(event) { gone.append(id) }
        }
        for id in gone { subscribers[id] = nil }
    }

    private func removeSubscriber(_ id: Int) {
        subscribers[id] = nil
    }
}
