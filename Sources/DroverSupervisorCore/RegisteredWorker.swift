/// One live worker as its supervisor publishes it to the other hosts of a distributed pool.
public struct RegisteredWorker: Hashable, Sendable {
    public let worker: WorkerID
    /// The routing key (instance and slot), the same one its own supervisor hashes users against.
    public let key: String
    public let activeJobs: Int
    public let overloaded: Bool
    /// Ready, not draining and not tripped: other hosts may route users to it.
    public let routable: Bool
    /// The slot's breaker, by `BreakerState.name`: `closed`, `open` or `half-open`.
    public let breaker: String

    public init(worker: WorkerID, key: String, activeJobs: Int, overloaded: Bool, routable: Bool, breaker: String) {
        self.worker = worker
        self.key = key
        self.activeJobs = activeJobs
        self.overloaded = overloaded
        self.routable = routable
        self.breaker = breaker
    }

    /// What the router needs of it; nil when it may not be routed to.
    public var candidate: RouteCandidate? {
        routable ? RouteCandidate(key: key, worker: worker, activeJobs: activeJobs, overloaded: overloaded) : nil
    }
}
