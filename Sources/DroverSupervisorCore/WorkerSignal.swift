/// A signal the supervisor sends a worker process.
public enum WorkerSignal: Hashable, Sendable {
    /// SIGTERM: drain; used only before the control channel is up.
    case terminate
    /// SIGABRT: stop a hung process and leave a core dump.
    case abort
    /// SIGKILL.
    case kill
}
