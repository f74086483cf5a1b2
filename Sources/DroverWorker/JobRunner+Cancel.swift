import DroverQueue

extension JobRunner {
    /// Cancels a running job (the supervisor saw it overrun, or a user cancelled it): its handler
    /// is cancelled and the attempt is reported failed at once. Unknown or finished jobs are ignored.
    public func cancel(_ id: String, reason: String) {
        guard let jobID = JobID(id) else { return }
        for entry in running.takeAll(of: jobID) {
            entry.task?.cancel()
            logger.warning("job cancelled", metadata: ["job": "\(jobID)", "reason": "\(reason)"])
            report(JobOutcome(lease: entry.lease, kind: .failed(error: reason, retryable: true), durationMicros: Self.micros(since: entry.started)))
        }
    }

    /// Stops the handler of a job the queue has already marked cancelled, and frees its slot.
    /// Nothing is reported: the cancel revoked the lease, so the queue would refuse any outcome.
    func stopCancelled(_ id: JobID) {
        for entry in running.takeAll(of: id) {
            entry.task?.cancel()
            logger.info("job cancelled by a user; its handler is stopped", metadata: ["job": "\(id)"])
            stats.released()
            mailbox.post(.released)
        }
    }

    /// Subscribes to cancellations of this worker's job types; nil if the queue cannot be reached now.
    func subscribeToCancellations() async -> AsyncStream<JobEvent>? {
        do {
            return try await queue.events(of: configuration.types, statuses: [.cancelled])
        } catch {
            logger.warning("cannot follow job cancellations; retrying", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Stops each cancelled job for as long as the loop runs, so that it does not hold its slot
    /// until its handler returns. `first` is the subscription made before the loop's first reserve,
    /// so no job can start unheard. A lost subscription is made again; a cancel missed meanwhile
    /// only costs the slot until the handler ends, and the queue refuses its result then.
    func followCancellations(from first: AsyncStream<JobEvent>?) async {
        var subscription = first
        while !Task.isCancelled {
            if let events = subscription {
                for await event in events { stopCancelled(event.id) }
            }
            if Task.isCancelled { return }
            try? await Task.sleep(for: configuration.maxRetryDelay)
            subscription = await subscribeToCancellations()
        }
    }
}
