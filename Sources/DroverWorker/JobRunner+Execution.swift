import DroverQueue

extension JobRunner {
    /// Starts one reserved job. Its outcome (or, for a job a user cancelled, the release of its slot)
    /// goes to the mailbox exactly once: when the handler returns, or when the sweeper finds it past
    /// its timeout, whichever takes it from `running` first.
    ///
    /// One unstructured task per job, not a child of the loop's group, because a job that overran
    /// must be cancelled on its own; the loop still waits for every job through `inFlight`.
    func start(_ reserved: ReservedJob) {
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
            guard running.register(job, lease: lease, now: .now) else {
                // Cancelled while its lease was on the way here: the queue holds nothing to ack.
                logger.info("job cancelled by a user before it started", metadata: ["job": "\(job.id)"])
                release()
                return
            }
            let task = Task { [self] in
                let kind = await execute(job, lease: lease, handler: handler)
                guard let entry = running.take(lease) else { return }
                if entry.cancelled {
                    logger.info("job cancelled by a user; its handler stopped", metadata: [
                        "job": "\(job.id)", "ms": "\(Self.micros(since: entry.started) / 1000)",
                    ])
                    release()
                } else {
                    report(JobOutcome(lease: lease, kind: kind, durationMicros: Self.micros(since: entry.started)))
                }
            }
            running.attach(task, to: lease)
        }
    }

    /// Fails every job past its timeout and cancels its handler; returns when the loop is done.
    func sweepTimeouts() async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            for entry in running.takeOverdue(now: now) {
                entry.task?.cancel()
                logger.warning("job timed out; cancelled", metadata: ["job": "\(entry.lease.jobID)", "timeoutMs": "\(entry.timeoutMs)"])
                report(JobOutcome(
                    lease: entry.lease, kind: .failed(error: "timed out after \(entry.timeoutMs) ms", retryable: true),
                    durationMicros: Self.micros(since: entry.started)))
            }
            // Sleep until the next deadline, but wake at least every 100 ms for jobs started since.
            let next = min(running.nextDeadline ?? now + Self.sweepInterval, now + Self.sweepInterval)
            try? await Task.sleep(until: max(next, now + .milliseconds(1)), clock: .continuous)
        }
    }

    static let sweepInterval = Duration.milliseconds(100)

    /// Frees the slot of an attempt that ends without an outcome to ack (a user cancelled its job).
    func release() {
        stats.released()
        mailbox.post(.released)
    }

    func report(_ outcome: JobOutcome) {
        let succeeded: Bool
        if case .completed = outcome.kind { succeeded = true } else { succeeded = false }
        stats.finished(succeeded: succeeded, micros: outcome.durationMicros)
        mailbox.post(.finished(outcome))
    }

    private func execute(_ job: Job, lease: JobLease, handler: any JobHandler) async -> JobOutcome.Kind {
        let context = JobContext { [queue, logger] progress in
            do {
                try await queue.reportProgress(lease, progress)
            } catch {
                logger.debug("progress dropped", metadata: ["job": "\(lease.jobID)", "reason": "\(error)"])
            }
        }
        do {
            return .completed(result: try await handler.handle(job, context: context))
        } catch let failure as JobFailure {
            return .failed(error: failure.message, retryable: failure.retryable)
        } catch {
            return .failed(error: "\(error)", retryable: true)
        }
    }

    static func micros(since start: ContinuousClock.Instant) -> Int64 {
        (ContinuousClock.now - start).inMicroseconds
    }
}
