/// The job queue contract. Redis is one backend and the in-memory queue of `single` mode is another;
/// the same contract suite runs against both.
///
/// Obligations of every backend:
/// - Each call is atomic: no reader sees a job half-moved.
/// - `enqueue` gives each job an id and a `createdAt` from the queue's clock. An equal job (same
///   type and payload) within `dedupWindowMs`, or the same `idempotencyKey` within
///   `idempotencyTTLMs`, returns the existing job's id with `duplicate: true`.
/// - `reserve` never returns more than `limit` jobs, takes `high` first, but takes a `low` job after
///   `lowPriorityEvery` jobs went ahead of one (and `normal` after `normalPriorityEvery`), and
///   never returns a delayed job before it is due. It also reclaims leases that ran out.
/// - A job with a `targetWorker` waits in that worker's sticky queue, which `reserve` for that
///   worker takes from before the shared queues (oldest first, priority aside); never another worker.
/// - Attempts are counted when a job is reserved. A job whose lease is lost keeps its priority.
/// - Only the current lease holder can finish a job, report progress or extend the lease.
public protocol JobQueue: Sendable {
    /// Accepts jobs, in order; the receipts match the requests one to one.
    func enqueue(_ requests: [JobRequest]) async throws(JobQueueError) -> [EnqueueReceipt]

    /// Leases up to `limit` due jobs from `types` to `workerID`, without blocking.
    func reserve(from types: [JobType], workerID: String, limit: Int) async throws(JobQueueError) -> [ReservedJob]

    /// Blocks until a job may be ready in one of `types`, or `timeout` passes.
    ///
    /// Returns `true` when woken by new work. A wake-up is a hint: `reserve` may still find nothing.
    func waitForJobs(in types: [JobType], timeout: Duration) async throws(JobQueueError) -> Bool

    /// `waitForJobs`, also woken by a job routed to `workerID`'s own sticky queue.
    func waitForJobs(in types: [JobType], workerID: String, timeout: Duration) async throws(JobQueueError) -> Bool

    /// `waitForJobs(in:workerID:timeout:)`, and once woken, up to `limit` jobs of the queue that woke
    /// it, leased to `workerID` in the same step. A backend that cannot do both at once returns no
    /// jobs, and the caller reserves as usual; either way it may reserve more afterwards.
    func waitAndReserve(in types: [JobType], workerID: String, limit: Int, timeout: Duration) async throws(JobQueueError) -> [ReservedJob]

    /// Records how attempts ended, in one round trip; the results match the outcomes one to one.
    ///
    /// A failed attempt with retries left goes to `failed` and runs again after its backoff;
    /// otherwise it goes to the dead-letter queue with its error and attempt history.
    func finish(_ outcomes: [JobOutcome]) async throws(JobQueueError) -> [FinishResult]

    /// `finish`, then `reserve`: a backend may do both in one round trip (the default does not).
    func finishAndReserve(
        _ outcomes: [JobOutcome], from types: [JobType], workerID: String, limit: Int
    ) async throws(JobQueueError) -> (results: [FinishResult], reserved: [ReservedJob])

    /// Stores a job's progress; refused with `.staleLease` unless `lease` is current.
    func reportProgress(_ lease: JobLease, _ progress: JSONValue) async throws(JobQueueError)

    /// Pushes a lease's deadline to `duration` from now; refused with `.staleLease` unless current.
    func extend(_ lease: JobLease, by duration: Duration) async throws(JobQueueError) -> JobLease

    /// Cancels a waiting, delayed, failed or active job. An active job's lease is revoked.
    func cancel(_ id: JobID) async throws(JobQueueError) -> CancelResult

    /// Puts every job leased to `workerID` back at the front of its queue, in one call, and releases
    /// its sticky queues (see `releaseStickyJobs`).
    ///
    /// - Parameter countingAttempt: `true` when the worker died (the attempt counts, so a job that
    ///   kills every worker ends in the dead-letter queue); `false` for a drain, where it does not.
    /// - Returns: how many jobs went back (or to the dead-letter queue), sticky ones included.
    func requeueLeases(ofWorker workerID: String, countingAttempt: Bool) async throws(JobQueueError) -> Int

    /// Moves the jobs waiting in `workerID`'s sticky queues to the front of the shared queues, in one
    /// atomic step per queue, and sends jobs routed to that worker later to the shared queues too:
    /// what the supervisor runs when a worker starts to drain. `requeueLeases` does it as well.
    /// - Returns: how many jobs moved.
    func releaseStickyJobs(ofWorker workerID: String) async throws(JobQueueError) -> Int

    /// Takes back every lease whose deadline passed, counting the attempt; returns how many.
    func reapExpiredLeases() async throws(JobQueueError) -> Int

    /// The job's record, or `nil` once it is unknown or past retention.
    func job(_ id: JobID) async throws(JobQueueError) -> JobRecord?

    /// Each job's status, result and error without the rest of its record (payload, history), for
    /// callers that waited for them to finish, in one round trip; nil for an unknown job.
    func conclusions(of ids: [JobID]) async throws(JobQueueError) -> [JobConclusion?]

    func counts(of type: JobType) async throws(JobQueueError) -> QueueCounts

    /// Jobs ready to run (waiting, in shared and sticky queues) across `types`, in one round trip:
    /// what the autoscaler samples every second. Delayed and backed-off jobs are not counted.
    func waitingCount(in types: [JobType]) async throws(JobQueueError) -> Int

    /// The newest dead jobs of a queue, newest first.
    func deadLetters(of type: JobType, limit: Int) async throws(JobQueueError) -> [JobRecord]

    /// Moves a dead job back to waiting with a fresh set of attempts; `false` if it is not dead.
    func retryDeadLetter(_ id: JobID) async throws(JobQueueError) -> Bool

    /// Deletes every dead job of a queue; returns how many.
    func purgeDeadLetters(of type: JobType) async throws(JobQueueError) -> Int

    /// Changes of jobs of `types` into one of `statuses`, as they happen, until the stream is
    /// dropped. The others are skipped before they are decoded: a subscriber that only waits
    /// for jobs to finish does not pay for every enqueue and start. With no types or no
    /// statuses the stream ends at once.
    func events(of types: [JobType], statuses: Set<JobStatus>) async throws(JobQueueError) -> AsyncStream<JobEvent>

    /// The `completed` and `dead` events of jobs of `types` that carry a webhook, as they happen:
    /// what a webhook dispatcher needs, and nothing of the (usual) jobs without one.
    func webhookEvents(of types: [JobType]) async throws(JobQueueError) -> AsyncStream<JobEvent>

    /// Claims a one-time side effect of a job (such as calling its webhook) for `owner`: `true` for
    /// the first caller per `(id, purpose)`, `false` for every later one, across every process that
    /// shares the backend, for as long as the queue keeps dead jobs (`deadRetentionMs`) at least.
    func claimOnce(_ id: JobID, purpose: String, owner: String) async throws(JobQueueError) -> Bool
}

extension JobQueue {
    /// Records a batch of outcomes, then reserves up to `limit` more: what a busy worker does every
    /// cycle. A backend may do both in one round trip; this default does them one after the other.
    public func finishAndReserve(
        _ outcomes: [JobOutcome], from types: [JobType], workerID: String, limit: Int
    ) async throws(JobQueueError) -> (results: [FinishResult], reserved: [ReservedJob]) {
        let results = try await finish(outcomes)
        return (results, try await reserve(from: types, workerID: workerID, limit: limit))
    }
}

extension JobQueue {
    /// Waits only; the caller reserves after.
    public func waitAndReserve(in types: [JobType], workerID: String, limit: Int, timeout: Duration) async throws(JobQueueError) -> [ReservedJob] {
        _ = try await waitForJobs(in: types, workerID: workerID, timeout: timeout)
        return []
    }

    /// Read from the whole records; a backend that can read less does so.
    public func conclusions(of ids: [JobID]) async throws(JobQueueError) -> [JobConclusion?] {
        var found: [JobConclusion?] = []
        for id in ids {
            found.append(try await job(id).map { JobConclusion(status: $0.status, result: $0.result, error: $0.error) })
        }
        return found
    }

    /// One job's status, result and error (see `conclusions(of:)`).
    public func conclusion(of id: JobID) async throws(JobQueueError) -> JobConclusion? {
        try await conclusions(of: [id])[0]
    }

    /// Every state change of jobs of `types`, as they happen, until the stream is dropped.
    public func events(of types: [JobType]) async throws(JobQueueError) -> AsyncStream<JobEvent> {
        try await events(of: types, statuses: Set(JobStatus.allCases))
    }
}

extension JobStatus {
    /// The statuses a job ends in (see `isFinal`).
    public static let finalStatuses: Set<JobStatus> = Set(allCases.filter(\.isFinal))
}
