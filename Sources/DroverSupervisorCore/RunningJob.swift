/// A job a worker is running, as reported in its heartbeat.
///
/// The worker reports elapsed time rather than a start instant so that the two processes never
/// have to agree on a clock: the core places the job's deadline on its own clock when it first
/// sees the job.
public struct RunningJob: Hashable, Sendable {
    public var id: String
    /// How long the job had been running when the heartbeat was sent.
    public var elapsedMs: Int64
    /// The job's own timeout.
    public var timeoutMs: Int64

    public init(id: String, elapsedMs: Int64, timeoutMs: Int64) {
        self.id = id
        self.elapsedMs = elapsedMs
        self.timeoutMs = timeoutMs
    }
}
