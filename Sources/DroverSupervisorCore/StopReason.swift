/// Why the supervisor is forcing a worker to stop.
public enum StopReason: Hashable, Sendable, CustomStringConvertible {
    /// No heartbeat for `hangTimeoutMs`.
    case hung
    /// Never said ready within `bootTimeoutMs`.
    case bootTimedOut
    /// The control channel delivered something unreadable; the worker cannot be trusted or steered.
    case channelBroken(String)
    /// A job stayed past its timeout plus `jobCancelGraceMs` although it was cancelled.
    case jobOverran(jobID: String)
    /// Resident memory passed the hard limit.
    case memoryHardLimit
    /// A drain ran out of time; what is left goes back to the queue.
    case drainTimedOut
    /// A second SIGTERM/SIGINT: stop now.
    case shutdownForced

    /// Whether the worker's leased jobs count an attempt when they go back: yes when a job is the
    /// likely culprit, no when the supervisor merely ran out of patience.
    public var countsAttempt: Bool {
        switch self {
        case .hung, .channelBroken, .jobOverran, .memoryHardLimit: true
        case .bootTimedOut, .drainTimedOut, .shutdownForced: false
        }
    }

    public var description: String {
        switch self {
        case .hung: "hung"
        case .bootTimedOut: "boot timed out"
        case .channelBroken(let reason): "control channel broken: \(reason)"
        case .jobOverran(let jobID): "job \(jobID) overran its timeout"
        case .memoryHardLimit: "over the hard memory limit"
        case .drainTimedOut: "drain timed out"
        case .shutdownForced: "forced shutdown"
        }
    }
}
