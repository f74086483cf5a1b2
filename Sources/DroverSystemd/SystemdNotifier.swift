import CSystemd
import Glibc

/// Tells systemd about the supervisor's lifecycle with `sd_notify`; a silent no-op outside systemd.
///
/// The one owner of libsystemd's notify calls in Drover. It holds no C state: `sd_notify` opens,
/// sends on and closes its own socket per call, so the notifier is safe to share across tasks.
///
/// `NOTIFY_SOCKET` and the watchdog variables are read once, in `init`, and left in the
/// environment (`sd_notify(0, …)`): the supervisor spawns workers with an explicit environment
/// that omits ``environmentVariablesToStrip``, so nothing else inherits them.
///
/// Sending can fail (the socket went away, `NOTIFY_SOCKET` is malformed). Every send throws a
/// ``SystemdError`` with code `.notifyFailed`; callers log it and carry on, since a missed
/// `STATUS=` must not stop the service. Values that would corrupt the protocol are refused with
/// `.invalidValue` before anything is sent.
public final class SystemdNotifier: Sendable {
    /// Whether `NOTIFY_SOCKET` was set (and non-empty) when the notifier was made. When false,
    /// every call returns without doing anything.
    public let isEnabled: Bool
    /// `WatchdogSec=` as systemd passed it in `WATCHDOG_USEC`, or nil when there is no watchdog
    /// for this process: notifications disabled, `WATCHDOG_USEC` unset, or `WATCHDOG_PID` naming
    /// another process.
    public let watchdogInterval: Duration?

    /// How often to send ``watchdog()``: half of ``watchdogInterval``, as `sd_watchdog_enabled(3)`
    /// recommends, so one late tick of a healthy loop does not trip the watchdog.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from this process's environment.
    ///
    /// - Throws: `.invalidWatchdogEnvironment` when `WATCHDOG_USEC` or `WATCHDOG_PID` is set to
    ///   something that is not a number; systemd never does that, so someone set it by hand.
    public init() throws(SystemdError) {
        let socket = getenv("NOTIFY_SOCKET").map { String(cString: $0) } ?? ""
        isEnabled = !socket.isEmpty
        watchdogInterval = isEnabled ? try Self.readWatchdogInterval() : nil
    }

    /// `READY=1`: start-up (or a reload) is complete. With `status`, both go in one datagram.
    public func ready(status: String? = nil) throws(SystemdError) {
        try send(["READY=1"], status: status)
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=`: a reload (SIGHUP) has begun; send ``ready(status:)`` when
    /// it is done. systemd ≥ 253 requires the timestamp for `Type=notify-reload`; older ones ignore it.
    public func reloading(status: String? = nil) throws(SystemdError) {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"], status: status)
    }

    /// `STOPPING=1`: the supervisor has begun to drain.
    public func stopping(status: String? = nil) throws(SystemdError) {
        try send(["STOPPING=1"], status: status)
    }

    /// `STATUS=…`: one line for `systemctl status`, e.g. "workers 4/4 ready, queue depth 12".
    ///
    /// - Throws: `.invalidValue` if `text` contains a newline or NUL, which would end the
    ///   assignment early (a status of "x\nREADY=1" must not mark the service ready).
    public func status(_ text: String) throws(SystemdError) {
        try send([], status: text)
    }

    /// `WATCHDOG=1`: the main loop is healthy. Send every ``watchdogPingInterval``, from the loop itself.
    public func watchdog() throws(SystemdError) {
        try send(["WATCHDOG=1"])
    }

    /// `EXTEND_TIMEOUT_USEC=…`: the current start, reload or stop needs `duration` more from now.
    /// A drain that is still making progress sends this before `TimeoutStopSec` runs out.
    ///
    /// - Throws: `.invalidValue` for a zero or negative duration (systemd would ignore it, and the
    ///   drain would be killed at the deadline the caller meant to push back).
    public func extendTimeout(by duration: Duration) throws(SystemdError) {
        try send(["EXTEND_TIMEOUT_USEC=\(try Self.microseconds(duration))"])
    }

    /// `MAINPID=…`: the service's main process is now `pid` (for a supervisor that re-executes).
    public func mainPID(_ pid: Int32) throws(SystemdError) {
        guard pid > 0 else {
            throw SystemdError(.invalidValue, "MAINPID must be a process id above 0, not \(pid); nothing was sent")
        }
        try send(["MAINPID=\(pid)"])
    }

    private func send(_ assignments: [String], status: String? = nil) throws(SystemdError) {
        var lines = assignments
        if let status {
            guard !status.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw SystemdError(.invalidValue, "STATUS must be one line without NUL characters, got \(status.debugDescription); nothing was sent")
            }
            lines.append("STATUS=\(status)")
        }
        guard isEnabled else {
            return
        }
        let message = lines.joined(separator: "\n")
        let result = sd_notify(0, message)
        // > 0: sent. 0: NOTIFY_SOCKET vanished from the environment since init; nothing to send to.
        if result < 0 {
            let socket = getenv("NOTIFY_SOCKET").map { String(cString: $0) } ?? "(unset)"
            throw SystemdError(
                .notifyFailed,
                "sd_notify(\(message.debugDescription)) to NOTIFY_SOCKET=\(socket) failed: \(String(cString: strerror(-result)))",
                errno: -result
            )
        }
    }

    /// CLOCK_MONOTONIC, not ContinuousClock: Swift's ContinuousClock is CLOCK_BOOTTIME on Linux,
    /// and systemd compares MONOTONIC_USEC with its own CLOCK_MONOTONIC reading.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// Whole microseconds, rounded up so a requested extension is never shortened.
    static func microseconds(_ duration: Duration) throws(SystemdError) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard duration > .zero else {
            throw SystemdError(.invalidValue, "EXTEND_TIMEOUT_USEC needs a duration above zero, not \(duration); nothing was sent")
        }
        let attosecondsPerMicrosecond: Int64 = 1_000_000_000_000
        let fraction = UInt64((attoseconds + attosecondsPerMicrosecond - 1) / attosecondsPerMicrosecond)
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000)
        guard !overflow, whole <= UInt64.max - fraction else {
            throw SystemdError(.invalidValue, "EXTEND_TIMEOUT_USEC of \(duration) does not fit in 64-bit microseconds; nothing was sent")
        }
        return whole + fraction
    }
}
