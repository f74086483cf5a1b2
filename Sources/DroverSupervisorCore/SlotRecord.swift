/// The core's bookkeeping for one slot of the pool.
struct SlotRecord: Hashable, Sendable {
    let id: SlotID
    /// The worker that serves this slot now (or will once ready); older ones may still be draining.
    var current: WorkerID?
    var history = RestartHistory()
    /// Throttled: the next spawn waits until then.
    var respawnAt: Instant?
    /// The worker reported bad configuration; no respawn until a reload.
    var haltedReason: String?
    /// Being removed by a scale-down; gone once its workers are.
    var retiring = false
    /// What ended the last worker, for status lines.
    var lastFailure: String?
    /// Takes the slot out of sticky routing after repeated failures of its workers.
    var breaker = CircuitBreaker()

    var isDegraded: Bool { haltedReason != nil || respawnAt != nil }
}
