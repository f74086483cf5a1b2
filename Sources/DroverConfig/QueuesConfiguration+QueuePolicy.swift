import DroverQueue

extension QueuesConfiguration {
    /// The rules both queue backends follow, from this section; seconds become milliseconds.
    ///
    /// The priority-aging knobs (`lowPriorityEvery`, `normalPriorityEvery`) are not configurable
    /// and keep `QueuePolicy`'s defaults.
    public var queuePolicy: QueuePolicy {
        var policy = QueuePolicy()
        policy.retryBaseMs = retry.baseMs
        policy.retryJitter = retry.jitter
        policy.retryMaxMs = retry.maxMs
        policy.dedupWindowMs = dedupWindowMs
        policy.idempotencyTTLMs = idempotencyTTLS * 1_000
        policy.completedRetentionMs = retention.completedS * 1_000
        policy.deadRetentionMs = retention.deadS * 1_000
        policy.retentionCount = retention.maxCount
        policy.leaseGraceMs = leaseGraceMs
        return policy
    }
}
