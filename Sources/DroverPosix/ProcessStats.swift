import Glibc

/// Reads a process's memory and CPU use from `/proc`, and this machine's CPU count.
///
/// - Important: Every reading is nil once the process is gone (reaped); callers treat that as
///   "exited". A zombie still reads: 0 resident bytes, and its final CPU time.
public enum ProcessStats {
    /// Resident set size in bytes, from `/proc/<pid>/statm`.
    public static func residentBytes(of pid: pid_t) -> Int? {
        // statm, not status: one line of numbers (pages × page size), nothing to parse by label.
        guard let content = Posix.readSmallFile("/proc/\(pid)/statm") else {
            return nil
        }
        let fields = content.split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else {
            return nil
        }
        return pages * pageSize
    }

    /// User plus system CPU time in clock ticks (see `clockTicksPerSecond`), from `/proc/<pid>/stat`.
    public static func cpuTimeTicks(of pid: pid_t) -> Int? {
        guard let content = Posix.readSmallFile("/proc/\(pid)/stat") else {
            return nil
        }
        return parseCPUTimeTicks(stat: content)
    }

    /// User plus system CPU time in seconds.
    public static func cpuSeconds(of pid: pid_t) -> Double? {
        cpuTimeTicks(of: pid).map { Double($0) / Double(clockTicksPerSecond) }
    }

    /// The unit of `cpuTimeTicks` (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    public static var clockTicksPerSecond: Int {
        Int(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPUs online now (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
    public static func onlineCPUCount() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    static var pageSize: Int {
        Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// utime + stime from the text of `/proc/<pid>/stat`.
    ///
    /// The second field is the command name in parentheses, and it may itself hold spaces and
    /// `)`: fields are counted from the *last* `)`.
    static func parseCPUTimeTicks(stat: [UInt8]) -> Int? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        // After ")": state(3) ppid(4) ... utime(14) stime(15), so utime is the 12th from here.
        let fields = stat[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
        let utimeIndex = 14 - 3
        guard fields.count > utimeIndex + 1,
              let utime = Int(String(decoding: fields[utimeIndex], as: UTF8.self)),
              let stime = Int(String(decoding: fields[utimeIndex + 1], as: UTF8.self)) else {
            return nil
        }
        return utime + stime
    }
}
