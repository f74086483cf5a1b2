/// A read-only picture of the pool for status, `/readyz`, `/metrics` and the admin socket.
public struct SupervisorSnapshot: Hashable, Sendable {
    public let phase: SupervisorPhase
    /// Slots the pool should have.
    public let desiredWorkers: Int
    /// Worker processes alive now, including draining ones and replacements.
    public let liveWorkers: Int
    /// Slots served by a ready worker.
    public let readyWorkers: Int
    public let runningJobs: Int
    /// Empty when healthy; otherwise one line per problem, e.g. `w1 crash loop, next spawn in 8 s`.
    public let degradedReasons: [String]
    /// What `/readyz` answers: at least one worker ready and no shutdown under way.
    public let isReady: Bool
    /// Why not ready, for the `/readyz` 503 body.
    public let notReadyReason: String?
    /// A configuration reload is under way.
    public let reloading: Bool
    /// The `STATUS=` line.
    public let statusLine: String
    public let workers: [WorkerSnapshot]
    public let slots: [SlotSnapshot]
    /// The autoscaler's last sample and step (its policy says whether it is enabled).
    public let autoscaler: Autoscaler
    /// Restarts since start, by reason (`crashed`, `hung`, `memory`, `reload`, …).
    public let restartsByReason: [String: Int]

    public var isDegraded: Bool { !degradedReasons.isEmpty }
}
