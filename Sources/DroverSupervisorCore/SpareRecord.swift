/// The core's bookkeeping for the spare workers as a group: their own restart throttling, so a
/// spare that cannot boot backs off like a slot does, without holding any slot back.
struct SpareRecord: Hashable, Sendable {
    var history = RestartHistory()
    /// Throttled: no spare is spawned before then.
    var respawnAt: Instant?
    /// A spare reported bad configuration; none is spawned until a reload.
    var haltedReason: String?
}
