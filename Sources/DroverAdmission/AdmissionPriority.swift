/// A job's priority as admission control ranks it; mirrors the queue's priorities without importing them.
public enum AdmissionPriority: String, Sendable, Hashable, CaseIterable {
    case high, normal, low
}
