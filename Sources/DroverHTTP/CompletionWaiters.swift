import DroverQueue
import Logging
import Synchronization

/// Sync requests waiting for their jobs to finish, all fed from one shared event subscription.
///
/// One `JobQueue.events` stream is fanned out by job id, so a thousand waiters cost one
/// subscription, not a thousand, and nobody polls. The number of waiters is bounded: a request
/// that finds no free slot is answered as async instead.
///
/// A job can finish before its waiter registers (enqueue returned, a worker was quick). Final
/// events are therefore also kept for a while in a bounded cache, checked under the same lock as
/// registration: an event is either seen by the waiter or already in the cache. Should the
/// subscription drop, every waiter re-reads its job's record once it is back.
final class CompletionWaiters: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<JobStatus?, Never>
        let deadline: ContinuousClock.Instant
    }

    private struct State {
        var waiters: [JobID: [UInt64: Waiter]] = [:]
        var waiterCount = 0
        /// Slots taken by requests that will register (or have registered) a waiter.
        var reserved = 0
        var nextToken: UInt64 = 0
        /// Final statuses seen lately, for waiters that register after their job finished.
        var recent: RecentMap<JobID, JobStatus>
        var subscribed = false
        /// When each job submitted through this server was accepted, until it finishes. Bounded
        /// at O(1) per request: a backlog (workers down, an overload) must not make every
        /// submission pay for the jobs before it.
        var submitted = RecentMap<JobID, ContinuousClock.Instant>(capacity: CompletionWaiters.maxTracked)
        var latencies: [JobType: LatencyWindow] = [:]

        init(recentCapacity: Int) {
            recent = RecentMap(capacity: recentCapacity)
        }

        mutating func remember(_ event: JobEvent) {
            recent.insert(event.status, for: event.id)
        }
    }

    /// Most submissions whose latency is tracked at once; beyond it the oldest go unmeasured.
    static let maxTracked = 50_000

    private let queue: any JobQueue
    private let state: Mutex<State>
    let limit: Int
    private let logger: Logger
    /// Told of every job that a worker started: admission control counts them out of the depth.
    private let onStarted: @Sendable (Int) -> Void
    /// Told of each tracked job's latency (accepted → finished) as it finishes: the metrics histogram.
    private let onFinished: @Sendable (JobType, Duration) -> Void

    init(
        queue: any JobQueue, limit: Int, recentCapacity: Int = 16_384, logger: Logger,
        onStarted: @escaping @Sendable (Int) -> Void, onFinished: @escaping @Sendable (JobType, Duration) -> Void = { _, _ in }
    ) {
        self.queue = queue
        self.limit = limit
        self.onStarted = onStarted
        self.onFinished = onFinished
        self.state = Mutex(State(recentCapacity: recentCapacity))
        self.logger = logger
    }

    /// Waiters registered now.
    var count: Int { state.withLock { $0.waiterCount } }

    /// Takes a waiter slot; `false` when all are taken. Pair with `release()` or `wait`.
    func reserveSlot() -> Bool {
        state.withLock { state in
            guard state.reserved < limit else { return false }
            state.reserved += 1
            return true
        }
    }

    /// Gives back a slot that will not be waited on (the enqueue failed).
    func release() {
        state.withLock { $0.reserved -= 1 }
    }

    /// Waits for `id` to reach a final state; `nil` when `timeout` passed first or the task was
    /// cancelled. Consumes a slot taken with `reserveSlot()`.
    func wait(for id: JobID, timeout: Duration) async -> JobStatus? {
        let token = state.withLock { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        let status: JobStatus? = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (immediate, needsCheck) = state.withLock { state -> (JobStatus??, Bool) in
                    if let status = state.recent[id] { return (.some(status), false) }
                    if Task.isCancelled { return (.some(nil), false) }
                    state.waiters[id, default: [:]][token] = Waiter(continuation: continuation, deadline: .now + timeout)
                    state.waiterCount += 1
                    return (nil, !state.subscribed)
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else if needsCheck {
                    // No subscription right now: events may be missed, so look at the record once.
                    Task { await self.recheck([id]) }
                }
            }
        } onCancel: {
            resolve(id, token: token, with: nil)
        }
        state.withLock { $0.reserved -= 1 }
        return status
    }

    /// Pumps events to waiters and times out late ones, until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.sweepExpired() }
            group.addTask { await self.pump() }
        }
    }

    private func pump() async {
        while !Task.isCancelled {
            do {
                // Enqueues are not waited for: leave them out before they are decoded.
                let events = try await queue.events(of: JobType.allCases, statuses: JobStatus.finalStatuses.union([.active]))
                state.withLock { $0.subscribed = true }
                // Events between a drop and this subscription were missed: re-read those jobs.
                await recheck(state.withLock { Array($0.waiters.keys) })
                for await event in events {
                    if event.status == .active {
                        onStarted(1)
                    } else if event.status.isFinal {
                        deliver(event)
                    }
                }
            } catch {
                logger.warning("job events unavailable; sync waiters fall back to reading records", metadata: ["error": "\(error)"])
            }
            state.withLock { $0.subscribed = false }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Notes when a job was accepted, so its latency (accepted → finished) can be measured.
    func track(_ id: JobID, since start: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let finished = state.withLock { state in
            if state.recent[id] != nil {
                // It finished before we got here: its latency is (about) now.
                state.latencies[id.type, default: LatencyWindow()].record(Self.milliseconds(now - start))
                return true
            }
            state.submitted.insert(start, for: id)
            return false
        }
        if finished { onFinished(id.type, now - start) }
    }

    /// The p50/p95/p99 latency (ms) and sample count of jobs of `type` submitted through this server.
    func latency(of type: JobType) -> (p50: Double?, p95: Double?, p99: Double?, samples: Int) {
        let window = state.withLock { $0.latencies[type] } ?? LatencyWindow(capacity: 1)
        return (window.quantile(0.5), window.quantile(0.95), window.quantile(0.99), window.count)
    }

    private func deliver(_ event: JobEvent) {
        let now = ContinuousClock.now
        let (resumed, latency) = state.withLock { state -> ([Waiter], Duration?) in
            state.remember(event)
            var latency: Duration?
            if let start = state.submitted.removeValue(forKey: event.id) {
                latency = now - start
                state.latencies[event.id.type, default: LatencyWindow()].record(Self.milliseconds(now - start))
            }
            guard let waiters = state.waiters.removeValue(forKey: event.id) else { return ([], latency) }
            state.waiterCount -= waiters.count
            return (Array(waiters.values), latency)
        }
        if let latency { onFinished(event.id.type, latency) }
        for waiter in resumed { waiter.continuation.resume(returning: event.status) }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private func resolve(_ id: JobID, token: UInt64, with status: JobStatus?) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiters[id]?.removeValue(forKey: token) else { return nil }
            if state.waiters[id]?.isEmpty == true { state.waiters[id] = nil }
            state.waiterCount -= 1
            return waiter
        }
        waiter?.continuation.resume(returning: status)
    }

    private func recheck(_ ids: [JobID]) async {
        for id in ids {
            if let record = try? await queue.job(id), record.status.isFinal {
                deliver(JobEvent(id: id, status: record.status))
            }
        }
    }

    /// Resumes waiters whose time is up; one sweeper for all, not a timer per request.
    private func sweepExpired() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
            let now = ContinuousClock.now
            let expired = state.withLock { state -> [Waiter] in
                var expired: [Waiter] = []
                for (id, waiters) in state.waiters {
                    for (token, waiter) in waiters where waiter.deadline <= now {
                        expired.append(waiter)
                        state.waiters[id]?[token] = nil
                    }
                    if state.waiters[id]?.isEmpty == true { state.waiters[id] = nil }
                }
                state.waiterCount -= expired.count
                return expired
            }
            for waiter in expired { waiter.continuation.resume(returning: nil) }
        }
        // Stopping: nobody will deliver events any more.
        let all = state.withLock { state -> [Waiter] in
            let all = state.waiters.values.flatMap(\.values)
            state.waiters = [:]
            state.waiterCount = 0
            return all
        }
        for waiter in all { waiter.continuation.resume(returning: nil) }
    }
}
