/// A message for systemd's notify socket.
public enum SystemdNotice: Hashable, Sendable {
    /// `READY=1`: at start-up once the first workers are ready, and at the end of a reload.
    case ready
    /// `RELOADING=1` (the process side adds `MONOTONIC_USEC`).
    case reloading
    /// `STOPPING=1`.
    case stopping
    /// `STATUS=…`.
    case status(String)
    /// `EXTEND_TIMEOUT_USEC=` this many milliseconds × 1000: the drain is still making progress.
    case extendTimeout(milliseconds: Int64)
}
