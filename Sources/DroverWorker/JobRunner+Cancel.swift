import DroverQueue

extension JobRunner {
    /// Cancels a running attempt the supervisor saw overrun its timeout: its handler is cancelled and
    /// the attempt is reported failed at once. Unknown or finished jobs are ignored.
    public func cancel(_ id: String, reason: String) {
        guard let jobID = JobID(id) else { return }
        for entry in running.takeAll(of: jobID) {
            entry.task?.cancel()
            logger.warning("job cancelled", metadata: ["job": "\(jobID)", "reason": "\(reason)"])
            report(JobOutcome(lease: entry.lease, kind: .failed(error: reason, retryable: true), durationMicros: Self.micros(since: entry.started)))
        }
    }

    /// Asks the handler of a job the queue has already marked cancelled to stop. Its slot is freed
    /// when the handler returns, not before, so a handler slow to notice never runs beside the
    /// slot's next job; nothing is reported, as the cancel revoked the lease. A lease of the job
    /// still on its way here is refused when it arrives.
    func stopCancelled(_ id: JobID) {
        for task in running.markCancelled(id) { task.cancel() }
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
    /// so a cancel published after that is heard. A lost subscription is made again; a cancel missed
    /// meanwhile only costs the slot until the handler ends, and the queue refuses its result then.
    func followCancellations(from first: AsyncStream<JobEvent>?) async {
        var subscription = first
        while !Task.isCancelled {
            if let events = subscription {
                for await event in events { stopCancelled(event.id) }
            }
            // A cancelled sleep means the loop is over: subscribing again could wait out connect timeouts.
            do { try await Task.sleep(for: configuration.maxRetryDelay) } catch { return }
            subscription = await subscribeToCancellations()
        }
    }
}
