/// The exit codes a worker uses to tell the supervisor why it stopped; anything else is a crash.
public enum WorkerExitCode: Int32, Sendable, CaseIterable {
    /// Finished its jobs after a drain (or a stop) and left cleanly.
    case drained = 0
    /// Could not start (Redis unreachable, socket refused): respawn with backoff, never in a loop.
    case bootFailed = 3
    /// The configuration it was given is unusable: respawning cannot help, so the slot halts.
    case configurationInvalid = 4
}
