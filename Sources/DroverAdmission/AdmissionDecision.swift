/// What admission control says about one job.
public enum AdmissionDecision: Sendable, Hashable {
    case admit
    /// Refused: the client should come back after `retryAfterSeconds`.
    case refuse(retryAfterSeconds: Int, zone: AdmissionZone)
}
