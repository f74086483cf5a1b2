extension InMemoryJobQueue {
    /// How long a claim is kept: as long as any finished job is, and never less than a minute.
    var claimTTLMs: Int { max(policy.deadRetentionMs, policy.completedRetentionMs, 60_000) }

    public func claimOnce(_ id: JobID, purpose: String, owner: String) async throws(JobQueueError) -> Bool {
        guard !purpose.isEmpty, !owner.isEmpty else {
            throw JobQueueError(.invalidRequest, "a claim needs a purpose and an owner")
        }
        let nowMs = WallClock.milliseconds()
        var index = claims ?? ExpiringIndex(ttlMs: claimTTLMs)
        index.prune(nowMs: nowMs)
        let key = TypedKey(type: id.type, text: purpose + "\u{0}" + id.rawValue)
        let first = index.lookup(key, nowMs: nowMs) == nil
        if first { index.insert(key, id: id, nowMs: nowMs) }
        claims = index
        return first
    }
}
