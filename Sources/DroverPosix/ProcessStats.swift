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
        sample(of: pid)?.cpuTicks
    }

    /// Resident memory and CPU time together, from one read of `/proc/<pid>/stat`: what a
    /// supervisor samples for every worker on every tick, so one file instead of two.
    public static func sample(of pid: pid_t) -> (residentBytes: Int, cpuTicks: Int)? {
        guard let content = Posix.readSmallFile("/proc/\(pid)/stat"), let fields = parseStat(content) else {
            return nil
        }
        return (fields.residentPages * pageSize, fields.cpuTicks)
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
        parseStat(stat)?.cpuTicks
    }

    /// utime + stime and rss (in pages) from the text of `/proc/<pid>/stat`.
    static func parseStat(_ stat: [UInt8]) -> (cpuTicks: Int, residentPages: Int)? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        // After ")": state(3) ppid(4) ... utime(14) stime(15) ... rss(24), counted from field 3.
        let fields = stat[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
        func number(_ field: Int) -> Int? {
            fields.count > field - 3 ? Int(String(decoding: fields[field - 3], as: UTF8.self)) : nil
        }
        guard let utime = number(14), let stime = number(15), let rss = number(24) else {
            return nil
        }
        return (utime + stime, rss)
    }
}
