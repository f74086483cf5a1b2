/// A signal delivered to the supervisor, translated into what it asks for.
public enum SupervisorSignal: Hashable, Sendable {
    /// SIGTERM: drain; a second one stops at once.
    case terminate
    /// SIGINT: the same as SIGTERM.
    case interrupt
    /// SIGHUP: reload the configuration, then roll the pool.
    case hangup
    /// SIGTTIN: one more worker.
    case moreWorkers
    /// SIGTTOU: one fewer worker.
    case fewerWorkers
}
