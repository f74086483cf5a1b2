import DroverQueue
import Logging

/// The worker's job loop: reserve as many jobs as there are free slots, run them, ack them in
/// batches, and block on the queue (not poll) while there is nothing to do.
///
/// At-least-once: a job is acked only after its handler returned, and an ack that fails is kept
/// and sent again (acks are fenced and idempotent), so no result is lost to a Redis hiccup.
public final class JobRunner: Sendable {
    let queue: any JobQueue
    let handlers: [JobType: any JobHandler]
    let configuration: WorkerConfiguration
    let logger: Logger
    let mailbox = WorkerMailbox()
    let running = RunningJobs()
    let leasing = LeaseGate()
    /// Counters for heartbeats; safe to read from any thread.
    public let stats = WorkerStatsBox()

    public init(queue: any JobQueue, handlers: [JobType: any JobHandler], configuration: WorkerConfiguration, logger: Logger) {
        precondition(configuration.concurrency > 0, "concurrency must be positive")
        self.queue = queue
        self.handlers = handlers
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
    }

    /// The jobs whose handlers run now.
    public var runningJobIDs: [JobID] {
        running.report(now: .now).map(\.id)
    }

    /// Asks the loop to stop reserving; `run` returns once the running jobs are finished and acked.
    public func drain() {
        mailbox.post(.drain)
    }

    /// Drains, and returns once no call that may lease a job is under way or can start: after
    /// this, `requeueLeases` for this worker gives back everything it will ever hold. Waits out a
    /// blocking wait, so at most `waitTimeout`.
    public func stopLeasing() async {
        drain()
        await leasing.close()
    }

    /// Runs until `drain()` is called and the last job is acked.
    public func run() async {
        var loop = LoopState(concurrency: configuration.concurrency, retryDelay: configuration.retryDelay)
        let cancellations = await subscribeToCancellations()
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in await sweepTimeouts() }
            group.addTask { [self] in await followCancellations(from: cancellations) }
            while true {
                if !loop.pendingAcks.isEmpty {
                    if loop.canReserve {
                        // Ack and take the next batch in one round trip.
                        let jobs = await flushAcksAndReserve(&loop)
                        loop.inFlight += jobs.count
                        for reserved in jobs { start(reserved) }
                    } else {
                        await flushAcks(&loop)
                    }
                }
                if loop.isFinished {
                    group.cancelAll()
                    break
                }
                if loop.canReserve {
                    let jobs = await reserve(&loop)
                    loop.inFlight += jobs.count
                    for reserved in jobs { start(reserved) }
                    // Fewer jobs than free slots means the queues ran dry: block until more arrive.
                    if loop.free > 0 && !loop.waiting && loop.backendHealthy && !loop.draining {
                        loop.waiting = true
                        startWait(limit: loop.free, in: &group)
                    }
                }
                if loop.inFlight == 0 && !loop.waiting {
                    // Nothing will post to the mailbox: only a retry after the backend failed is left.
                    try? await Task.sleep(for: loop.retryDelay)
                    continue
                }
                for event in await mailbox.takeAll() {
                    switch event {
                    case .finished(let outcome):
                        loop.inFlight -= 1
                        loop.pendingAcks.append(outcome)
                    case .released:
                        loop.inFlight -= 1
                    case .waitEnded(let jobs):
                        loop.waiting = false
                        loop.inFlight += jobs.count
                        for reserved in jobs { start(reserved) }
                    case .drain:
                        if !loop.draining { logger.info("draining: no new jobs will be reserved") }
                        loop.draining = true
                    }
                }
            }
        }
        let final = stats.snapshot
        logger.info("job loop stopped", metadata: ["completed": "\(final.completedJobs)", "failed": "\(final.failedJobs)"])
    }

    /// Blocks until new work arrives (or the wait times out); jobs leased as it wakes, up to
    /// `limit`, come back with `.waitEnded`.
    private func startWait(limit: Int, in group: inout DiscardingTaskGroup) {
        let types = configuration.types
        let timeout = configuration.waitTimeout
        let workerID = configuration.workerID
        group.addTask { [queue, mailbox, logger, leasing] in
            var jobs: [ReservedJob] = []
            guard leasing.enter() else {
                mailbox.post(.waitEnded([]))
                return
            }
            defer { leasing.leave() }
            do {
                jobs = try await queue.waitAndReserve(in: types, workerID: workerID, limit: limit, timeout: timeout)
            } catch {
                logger.warning("waiting for jobs failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: timeout)
            }
            mailbox.post(.waitEnded(jobs))
        }
    }

    private func reserve(_ loop: inout LoopState) async -> [ReservedJob] {
        guard leasing.enter() else { return [] }
        defer { leasing.leave() }
        do {
            let jobs = try await queue.reserve(from: configuration.types, workerID: configuration.workerID, limit: loop.free)
            loop.backendSucceeded(initialDelay: configuration.retryDelay)
            return jobs
        } catch {
            loop.backendFailed(maxDelay: configuration.maxRetryDelay)
            logger.warning("reserve failed; retrying", metadata: ["error": "\(error)", "retryInMs": "\(loop.retryDelay.inMilliseconds)"])
            return []
        }
    }

    private func flushAcksAndReserve(_ loop: inout LoopState) async -> [ReservedJob] {
        guard leasing.enter() else {
            await flushAcks(&loop)
            return []
        }
        defer { leasing.leave() }
        let batch = loop.pendingAcks
        do {
            let (results, jobs) = try await queue.finishAndReserve(
                batch, from: configuration.types, workerID: configuration.workerID, limit: loop.free)
            loop.pendingAcks.removeAll(keepingCapacity: true)
            loop.backendSucceeded(initialDelay: configuration.retryDelay)
            log(batch, results)
            return jobs
        } catch {
            // Nothing is lost: the acks are kept and resent (they are idempotent per token), and a
            // reserve that did land shows up as leases that expire and are reclaimed.
            loop.backendFailed(maxDelay: configuration.maxRetryDelay)
            logger.warning("ack failed; will resend", metadata: ["jobs": "\(batch.count)", "error": "\(error)"])
            return []
        }
    }

    private func flushAcks(_ loop: inout LoopState) async {
        let batch = loop.pendingAcks
        do {
            let results = try await queue.finish(batch)
            loop.pendingAcks.removeAll(keepingCapacity: true)
            loop.backendSucceeded(initialDelay: configuration.retryDelay)
            log(batch, results)
        } catch {
            // Keep them: acks are idempotent per lease token, so sending them again is safe.
            loop.backendFailed(maxDelay: configuration.maxRetryDelay)
            logger.warning("ack failed; will resend", metadata: ["jobs": "\(batch.count)", "error": "\(error)"])
        }
    }

    private func log(_ batch: [JobOutcome], _ results: [FinishResult]) {
        // Completions are logged at debug only; skipping them avoids formatting a line per job.
        let logsCompletions = logger.logLevel <= .debug
        for (outcome, result) in zip(batch, results) {
            if case .completed = result, !logsCompletions { continue }
            log(outcome, result)
        }
    }

    private func log(_ outcome: JobOutcome, _ result: FinishResult) {
        let job = "\(outcome.lease.jobID)"
        switch result {
        case .completed:
            logger.debug("job completed", metadata: ["job": "\(job)", "ms": "\(outcome.durationMicros / 1000)"])
        case .retryScheduled(let at):
            logger.info("job failed; retry scheduled", metadata: ["job": "\(job)", "retryAtMs": "\(at)", "error": "\(outcome.errorText)"])
        case .dead:
            logger.warning("job dead-lettered", metadata: ["job": "\(job)", "error": "\(outcome.errorText)"])
        case .refused(let error):
            logger.warning("job result refused", metadata: ["job": "\(job)", "reason": "\(error)"])
        }
    }
}

extension JobOutcome {
    var errorText: String {
        if case .failed(let error, _) = kind { return error }
        return ""
    }
}
