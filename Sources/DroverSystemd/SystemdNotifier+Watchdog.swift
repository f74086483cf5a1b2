import CSystemd
import Glibc

extension SystemdNotifier {
    /// `sd_watchdog_enabled(0, …)`: the interval, or nil when there is none for this process.
    /// libsystemd honours `WATCHDOG_PID`, so a worker that inherited the variables by mistake
    /// sees no watchdog rather than feeding the supervisor's.
    static func readWatchdogInterval() throws(SystemdError) -> Duration? {
        var microseconds: UInt64 = 0
        let result = sd_watchdog_enabled(0, &microseconds)
        if result < 0 {
            let usec = getenv("WATCHDOG_USEC").map { String(cString: $0) } ?? "(unset)"
            let pid = getenv("WATCHDOG_PID").map { String(cString: $0) } ?? "(unset)"
            throw SystemdError(
                .invalidWatchdogEnvironment,
                "WATCHDOG_USEC=\(usec) WATCHDOG_PID=\(pid) is not a valid watchdog setting (\(String(cString: strerror(-result)))); both must be positive integers, as systemd sets them",
                errno: -result
            )
        }
        guard result > 0 else {
            return nil
        }
        return .microseconds(Int64(clamping: microseconds))
    }
}
