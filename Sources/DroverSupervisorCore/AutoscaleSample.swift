/// What the autoscaler sees at one sample: the queue's backlog and the pool's state.
public struct AutoscaleSample: Hashable, Sendable {
    /// Jobs waiting across the pool's queues (shared and sticky).
    public var waiting: Int
    /// Slots served by a ready worker.
    public var readyWorkers: Int
    /// Slots the pool has now (the current target).
    public var desiredWorkers: Int
    /// Jobs running on the pool's workers, from their last heartbeats.
    public var runningJobs: Int

    public init(waiting: Int, readyWorkers: Int, desiredWorkers: Int, runningJobs: Int) {
        self.waiting = waiting
        self.readyWorkers = readyWorkers
        self.desiredWorkers = desiredWorkers
        self.runningJobs = runningJobs
    }
}
