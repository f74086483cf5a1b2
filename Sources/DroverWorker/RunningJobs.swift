import DroverQueue
import Synchronization

/// The jobs a worker is running, with their deadlines. Whoever takes a run out of here — its own
/// task when the handler returns, the sweeper when the deadline passes, or a cancel — reports its
/// outcome; the others find it gone and report nothing. That is what makes each outcome reported once.
///
/// Runs are keyed by lease, not by job: a worker stalled past its lease can be handed the same job
/// again while the old attempt still runs, and each attempt must still be reported exactly once,
/// or the loop would wait forever for an outcome that never comes.
final class RunningJobs: Sendable {
    /// One attempt: a job and the lease token it runs under.
    struct RunKey: Hashable, Sendable {
        let jobID: JobID
        let token: Int64

        init(_ lease: JobLease) {
            jobID = lease.jobID
            token = lease.token
        }
    }

    struct Entry: Sendable {
        let lease: JobLease
        let timeoutMs: Int
        let started: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        var task: Task<Void, Never>?
        /// A user cancelled the job: its handler was asked to stop, and when it returns the slot is
        /// freed with nothing to ack (the cancel revoked the lease).
        var cancelled = false
    }

    private struct State {
        var entries: [RunKey: Entry] = [:]
        /// Jobs cancelled lately, so that one leased just before its cancel was heard is not started.
        var cancelledIDs = RecentMap<JobID, Bool>(capacity: 4_096)
    }

    private let state = Mutex(State())

    /// Registers an attempt; false when its job was cancelled already (then it must not run).
    func register(_ job: Job, lease: JobLease, now: ContinuousClock.Instant) -> Bool {
        let entry = Entry(lease: lease, timeoutMs: job.timeoutMs, started: now, deadline: now + .milliseconds(job.timeoutMs))
        return state.withLock { state in
            if state.cancelledIDs[job.id] != nil { return false }
            state.entries[RunKey(lease)] = entry
            return true
        }
    }

    /// Records the task running an attempt, so the sweeper can cancel it. One that already finished
    /// is gone; one whose job was cancelled meanwhile is cancelled now.
    func attach(_ task: Task<Void, Never>, to lease: JobLease) {
        let cancelNow = state.withLock { state in
            guard state.entries[RunKey(lease)] != nil else { return false }
            state.entries[RunKey(lease)]?.task = task
            return state.entries[RunKey(lease)]?.cancelled == true
        }
        if cancelNow { task.cancel() }
    }

    /// Marks every running attempt of a cancelled job, and remembers the job so that a lease of it
    /// still on its way is refused; returns the tasks to cancel (an attempt not attached yet is
    /// cancelled by `attach`).
    func markCancelled(_ id: JobID) -> [Task<Void, Never>] {
        state.withLock { state in
            state.cancelledIDs.insert(true, for: id)
            var tasks: [Task<Void, Never>] = []
            for key in state.entries.keys where key.jobID == id {
                state.entries[key]?.cancelled = true
                if let task = state.entries[key]?.task { tasks.append(task) }
            }
            return tasks
        }
    }

    /// Takes an attempt out; nil if someone else already did.
    func take(_ lease: JobLease) -> Entry? {
        state.withLock { $0.entries.removeValue(forKey: RunKey(lease)) }
    }

    /// Takes out every attempt of a job (normally one).
    func takeAll(of id: JobID) -> [Entry] {
        take { key, _ in key.jobID == id }
    }

    /// Takes out every attempt whose deadline has passed.
    func takeOverdue(now: ContinuousClock.Instant) -> [Entry] {
        take { _, entry in entry.deadline <= now }
    }

    private func take(where matches: (RunKey, Entry) -> Bool) -> [Entry] {
        state.withLock { state in
            let taken = state.entries.filter { matches($0.key, $0.value) }
            for key in taken.keys { state.entries.removeValue(forKey: key) }
            return Array(taken.values)
        }
    }

    /// The earliest deadline, if any job runs.
    var nextDeadline: ContinuousClock.Instant? {
        state.withLock { $0.entries.values.map(\.deadline).min() }
    }

    /// Each running attempt's job id, age and timeout, for heartbeats.
    func report(now: ContinuousClock.Instant) -> [(id: JobID, elapsedMs: Int, timeoutMs: Int)] {
        state.withLock { state in
            state.entries.map { (key, entry) in
                (key.jobID, Int((now - entry.started).inMilliseconds), entry.timeoutMs)
            }
        }
    }
}
