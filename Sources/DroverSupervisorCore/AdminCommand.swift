/// A request from the admin socket; unlike events it can be refused, with a reason for the caller.
public enum AdminCommand: Hashable, Sendable {
    /// `drover scale N`.
    case scale(to: Int)
    /// `drover drain WORKER_ID`: replace the worker (a slot name like `w2` names its current worker),
    /// then drain it; the pool keeps its size.
    case drain(worker: String)
}
