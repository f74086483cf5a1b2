import DroverQueue
import Synchronization

/// The jobs a worker is running, with their deadlines. Whoever takes a job out of here — its own
/// task when the handler returns, or the sweeper when the deadline passes — reports its outcome;
/// the other finds it gone and reports nothing. That is what makes each outcome reported once.
final class RunningJobs: Sendable {
    struct Entry: Sendable {
        let lease: JobLease
        let timeoutMs: Int
        let started: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        var task: Task<Void, Never>?
    }

    private let entries = Mutex([JobID: Entry]())

    func register(_ job: Job, lease: JobLease, now: ContinuousClock.Instant) {
        let entry = Entry(lease: lease, timeoutMs: job.timeoutMs, started: now, deadline: now + .milliseconds(job.timeoutMs))
        entries.withLock { $0[job.id] = entry }
    }

    /// Records the task running a job, so the sweeper can cancel it. A job that already finished is gone.
    func attach(_ task: Task<Void, Never>, to id: JobID) {
        entries.withLock { $0[id]?.task = task }
    }

    /// Takes a job out; nil if someone else already did.
    func take(_ id: JobID) -> Entry? {
        entries.withLock { $0.removeValue(forKey: id) }
    }

    /// Takes out every job whose deadline has passed.
    func takeOverdue(now: ContinuousClock.Instant) -> [Entry] {
        entries.withLock { entries in
            let overdue = entries.filter { $0.value.deadline <= now }
            for id in overdue.keys { entries.removeValue(forKey: id) }
            return Array(overdue.values)
        }
    }

    /// The earliest deadline, if any job runs.
    var nextDeadline: ContinuousClock.Instant? {
        entries.withLock { $0.values.map(\.deadline).min() }
    }

    /// Each running job's id, age and timeout, for heartbeats.
    func report(now: ContinuousClock.Instant) -> [(id: JobID, elapsedMs: Int, timeoutMs: Int)] {
        entries.withLock { entries in
            entries.map { (id, entry) in
                (id, Int((now - entry.started).inMilliseconds), entry.timeoutMs)
            }
        }
    }
}
