/// A worker the sticky router may send a user's jobs to.
public struct RouteCandidate: Hashable, Sendable {
    /// What users hash against: the slot (with the instance prefix), stable across the slot's
    /// restarts, so a replaced worker keeps its users.
    public let key: String
    public let worker: WorkerID
    public let activeJobs: Int
    /// At or over its concurrency: its own users' jobs go to the least-loaded worker instead.
    public let overloaded: Bool

    public init(key: String, worker: WorkerID, activeJobs: Int, overloaded: Bool) {
        self.key = key
        self.worker = worker
        self.activeJobs = activeJobs
        self.overloaded = overloaded
    }
}
