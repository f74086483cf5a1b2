/// The core's bookkeeping for one worker process.
struct WorkerRecord: Hashable, Sendable {
    let id: WorkerID
    /// A spare moves from `.spare` to the slot it is given.
    var slot: SlotID
    /// The policy generation it was spawned under; a reload replaces older ones.
    let policyGeneration: Int
    /// For a promoted spare, the promotion: restart throttling judges how long it served.
    var spawnedAt: Instant
    var pid: Int32?
    var state: WorkerState
    /// Said hello: control messages reach it from now on.
    var connected = false
    var readyAt: Instant?
    var lastHeardAt: Instant
    var stats: HeartbeatStats?
    var resources: ResourceSample?
    var jobWatches: [JobWatch] = []
    /// Set when a replacement is on its way: drain with this reason once the replacement is ready.
    var retireReason: DrainReason?

    var metadata: [String: String] {
        var metadata = ["worker": id.rawValue, "slot": slot.description]
        if let pid { metadata["pid"] = "\(pid)" }
        return metadata
    }

    var activeJobs: Int { state.isLive ? stats?.activeJobs ?? 0 : 0 }
}
