/// One worker as status output, `/api/rag/queue/status` and metrics show it.
public struct WorkerSnapshot: Hashable, Sendable {
    public let id: WorkerID
    public let slot: SlotID
    public let pid: Int32?
    public let state: WorkerState
    public let spawnedAt: Instant
    public let readyAt: Instant?
    public let lastHeartbeatAt: Instant
    public let stats: HeartbeatStats?
    public let resources: ResourceSample?
    /// Set while it waits for its replacement to be ready before draining.
    public let retireReason: DrainReason?
}
