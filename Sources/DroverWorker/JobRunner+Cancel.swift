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
}
