/// One slot as status output shows it: who serves it, and whether it is throttled or halted.
public struct SlotSnapshot: Hashable, Sendable {
    public let id: SlotID
    public let currentWorker: WorkerID?
    /// Failures inside the restart window.
    public let recentFailures: Int
    /// When the throttled slot spawns next.
    public let nextSpawnAt: Instant?
    /// Why the slot will not respawn (bad configuration).
    public let haltedReason: String?
    public let retiring: Bool
    public let lastFailure: String?
    /// Whether the router may send this slot jobs.
    public let breaker: BreakerState
}
