/// Why a worker was asked to finish its jobs and leave.
public enum DrainReason: String, Hashable, Sendable {
    /// Resident memory passed `maxMemoryBytes`; a replacement is ready first.
    case memory
    /// A configuration reload is rolling through the pool; a replacement is ready first.
    case reload
    /// An operator asked (`drover drain WORKER_ID`); a replacement is ready first.
    case operatorRequest
    /// The pool shrank (`drover scale`, SIGTTOU); no replacement.
    case scaleDown
    /// The supervisor is shutting down; no replacement.
    case shutdown
}
