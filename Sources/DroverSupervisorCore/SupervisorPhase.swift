/// Where the supervisor as a whole is in its life.
public enum SupervisorPhase: Hashable, Sendable {
    /// Waiting for `.started`.
    case notStarted
    case running
    /// Draining for shutdown; `forced` after a second SIGTERM/SIGINT.
    case shuttingDown(since: Instant, deadline: Instant, forced: Bool)
    /// `.exit` was issued.
    case exited
}
