/// A message the supervisor sends a worker over its control channel.
public enum WorkerCommand: Hashable, Sendable {
    /// Stop reserving, finish running jobs, exit 0.
    case drain
    /// Put leased jobs back now and exit 0.
    case stop
    /// Cancel this job; it has passed its timeout.
    case cancelJob(String)
    /// A spare takes its slot: start reserving, then say ready.
    case activate
}
