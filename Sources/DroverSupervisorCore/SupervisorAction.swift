/// Something the supervisor's process side must do, in the order given.
public enum SupervisorAction: Hashable, Sendable {
    /// Start `drover worker` for this slot with this id; answer with `.spawned` or `.spawnFailed`.
    case spawn(SlotID, WorkerID)
    case send(WorkerID, WorkerCommand)
    case signal(pid: Int32, WorkerSignal)
    /// Put every job this worker leased back on the queue. `countingAttempt` is true when a job
    /// may have caused the worker's end (crash, hang, overrun), so a poison job eventually goes dead.
    case requeueLeases(WorkerID, countingAttempt: Bool)
    case notify(SystemdNotice)
    /// Reload the configuration file; answer with `.reloaded` or `.reloadFailed`.
    case reloadConfiguration
    /// Exit the supervisor process with this code.
    case exit(code: Int32)
    /// A line for the log, with `drover.`-prefixed metadata.
    case log(LogLevel, String, metadata: [String: String])

    /// Whether this is a `.log` action; tests and callers that only act often skip those.
    public var isLog: Bool {
        if case .log = self { return true }
        return false
    }
}
