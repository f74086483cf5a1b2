import DroverQueue
import Synchronization

extension JobRunner {
    /// Starts one reserved job as a child task; its outcome goes to the mailbox exactly once,
    /// either when the handler returns or when the job's timeout passes, whichever is first.
    func start(_ reserved: ReservedJob, in group: inout DiscardingTaskGroup) {
        stats.started(1)
        switch reserved {
        case .malformed(let lease, let reason):
            logger.error("job cannot be read; dead-lettering it", metadata: ["job": "\(lease.jobID)", "reason": "\(reason)"])
            report(JobOutcome(lease: lease, kind: .failed(error: reason, retryable: false), durationMicros: 0))
        case .runnable(let job, let lease):
            guard let handler = handlers[job.type] else {
                report(JobOutcome(
                    lease: lease, kind: .failed(error: "this worker has no handler for \(job.type.rawValue) jobs", retryable: false),
                    durationMicros: 0))
                return
            }
            group.addTask { [self] in
                await execute(job, lease: lease, handler: handler)
            }
        }
    }

    private func report(_ outcome: JobOutcome) {
        let succeeded: Bool
        if case .completed = outcome.kind { succeeded = true } else { succeeded = false }
        stats.finished(succeeded: succeeded, micros: outcome.durationMicros)
        mailbox.post(.finished(outcome))
    }

    private func execute(_ job: Job, lease: JobLease, handler: any JobHandler) async {
        let started = ContinuousClock.now
        let reported = Mutex(false)
        // Claims the right to report; the loser of the handler/timeout race reports nothing.
        let claim: @Sendable () -> Bool = { reported.withLock { done in defer { done = true }; return !done } }
        let context = JobContext { [queue, logger] progress in
            do {
                try await queue.reportProgress(lease, progress)
            } catch {
                logger.debug("progress dropped", metadata: ["job": "\(lease.jobID)", "reason": "\(error)"])
            }
        }
        let work = Task { try await handler.handle(job, context: context) }
        let timer = Task { [self] in
            try await Task.sleep(for: .milliseconds(job.timeoutMs))
            guard claim() else { return }
            work.cancel()
            logger.warning("job timed out; cancelled", metadata: ["job": "\(job.id)", "timeoutMs": "\(job.timeoutMs)"])
            report(JobOutcome(
                lease: lease, kind: .failed(error: "timed out after \(job.timeoutMs) ms", retryable: true),
                durationMicros: Self.micros(since: started)))
        }
        let result = await work.result
        guard claim() else { return }
        timer.cancel()
        let kind: JobOutcome.Kind
        switch result {
        case .success(let value):
            kind = .completed(result: value)
        case .failure(let failure as JobFailure):
            kind = .failed(error: failure.message, retryable: failure.retryable)
        case .failure(let error):
            kind = .failed(error: "\(error)", retryable: true)
        }
        report(JobOutcome(lease: lease, kind: kind, durationMicros: Self.micros(since: started)))
    }

    static func micros(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
    }
}
