/// One supervisor's entry in the registry of a distributed pool: its instance and live workers.
///
/// Every live worker is listed, routable or not, because a host that dies leaves sticky queues
/// behind for each of them, and whoever recovers the host must know whose to release.
public struct HostEntry: Hashable, Sendable {
    /// The supervisor's instance prefix (host and pid), unique across the pool.
    public let instance: String
    public let workers: [RegisteredWorker]

    public init(instance: String, workers: [RegisteredWorker]) {
        self.instance = instance
        self.workers = workers
    }
}
