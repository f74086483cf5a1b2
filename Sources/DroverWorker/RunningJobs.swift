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
    }

    private let entries = Mutex([RunKey: Entry]())

    func register(_ job: Job, lease: JobLease, now: ContinuousClock.Instant) {
        let entry = Entry(lease: lease, timeoutMs: job.timeoutMs, started: now, deadline: now + .milliseconds(job.timeoutMs))
        entries.withLock { $0[RunKey(lease)] = entry }
    }

    /// Records the task running an attempt, so the sweeper can cancel it. One that already finished is gone.
    func attach(_ task: Task<Void, Never>, to lease: JobLease) {
        entries.withLock { $0[RunKey(lease)]?.task = task }
    }

    /// Takes an attempt out; nil if someone else already did.
    func take(_ lease: JobLease) -> Entry? {
        entries.withLock { $0.removeValue(forKey: RunKey(lease)) }
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
        entries.withLock { entries in
            let taken = entries.filter { matches($0.key, $0.value) }
            for key in taken.keys { entries.removeValue(forKey: key) }
            return Array(taken.values)
        }
    }

    /// The earliest deadline, if any job runs.
    var nextDeadline: ContinuousClock.Instant? {
        entries.withLock { $0.values.map(\.deadline).min() }
    }

    /// Each running attempt's job id, age and timeout, for heartbeats.
    func report(now: ContinuousClock.Instant) -> [(id: JobID, elapsedMs: Int, timeoutMs: Int)] {
        entries.withLock { entries in
            entries.map { (key, entry) in
                (key.jobID, Int((now - entry.started).inMilliseconds), entry.timeoutMs)
            }
        }
    }
}
