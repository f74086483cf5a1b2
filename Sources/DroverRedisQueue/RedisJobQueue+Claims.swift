import DroverQueue
import DroverRedis

extension RedisJobQueue {
    /// `SET <prefix>claim:<purpose>:<id> owner NX PX <ttl>`: Redis answers OK to the first setter only.
    /// The key lives in the job's queue slot and expires with dead-job retention.
    public func claimOnce(_ id: JobID, purpose: String, owner: String) async throws(JobQueueError) -> Bool {
        guard !purpose.isEmpty, !owner.isEmpty else {
            throw JobQueueError(.invalidRequest, "a claim needs a purpose and an owner")
        }
        let ttlMs = max(policy.deadRetentionMs, policy.completedRetentionMs, 60_000)
        let key = keys(id.type).prefix + "claim:" + purpose + ":" + id.rawValue
        let reply: RedisReply
        do {
            reply = try await commands.send(["SET", key, owner, "NX", "PX", String(ttlMs)])
        } catch {
            throw Self.queueError(error)
        }
        switch reply {
        case .null: return false
        case .status, .string: return true
        default: throw JobQueueError(.unavailable, "unexpected SET NX reply: \(reply)")
        }
    }
}
