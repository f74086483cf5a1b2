/// Where one worker process is in its life, as the supervisor sees it.
///
/// `idle`, `busy` and `overloaded` are the ready states and come from heartbeats: `busy` while
/// `0 < activeJobs < concurrency`, `overloaded` once `activeJobs ≥ concurrency` (no free slot, so a
/// router should look elsewhere). A ready worker stays in the state of its last heartbeat.
public enum WorkerState: Hashable, Sendable {
    /// Spawned (or being spawned); not ready yet. A spare given a slot is here until it says ready again.
    case starting(since: Instant)
    /// A spare: booted and connected, reserving nothing until the supervisor gives it a slot.
    case standby
    case idle
    case busy(activeJobs: Int)
    case overloaded(activeJobs: Int)
    /// Asked to finish its jobs and exit by `deadline`.
    case draining(since: Instant, reason: DrainReason, deadline: Instant)
    /// Being stopped by force, one rung at a time.
    case stopping(StopRung, reason: StopReason, rungDeadline: Instant)
    /// The process is gone.
    case offline(WorkerExit, at: Instant)

    /// Ready to take jobs.
    public var isReady: Bool {
        switch self {
        case .idle, .busy, .overloaded: true
        default: false
        }
    }

    /// The process exists (or is about to).
    public var isLive: Bool {
        if case .offline = self { return false }
        return true
    }

    /// The short name used in status output and metrics labels.
    public var name: String {
        switch self {
        case .starting: "starting"
        case .standby: "standby"
        case .idle: "idle"
        case .busy: "busy"
        case .overloaded: "overloaded"
        case .draining: "draining"
        case .stopping: "stopping"
        case .offline: "offline"
        }
    }

    static func fromLoad(activeJobs: Int, concurrency: Int) -> WorkerState {
        if activeJobs <= 0 { return .idle }
        return activeJobs >= concurrency ? .overloaded(activeJobs: activeJobs) : .busy(activeJobs: activeJobs)
    }
}
