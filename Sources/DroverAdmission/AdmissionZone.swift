/// How full the queues are, as admission control sees them.
public enum AdmissionZone: String, Sendable, Hashable {
    /// Below `warningThreshold`: every job is admitted.
    case normal
    /// From `warningThreshold` up to `maxQueueDepth`: lower priorities are refused step by step.
    case warning
    /// At or above `maxQueueDepth`: only `high` is admitted.
    case critical
}
