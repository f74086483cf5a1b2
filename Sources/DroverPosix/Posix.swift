import Glibc

/// The system calls Drover makes, each checked: failures throw `PosixError`, misuse traps.
public enum Posix {
    /// Sends `signal` to one process.
    ///
    /// - Throws: `PosixError` with `.noSuchProcess` once the process is gone (and reaped).
    public static func kill(_ pid: pid_t, _ signal: Signal) throws(PosixError) {
        // kill(0) and kill(-1) would hit our own group or every process we may signal.
        precondition(pid > 0, "kill needs a real pid, got \(pid); use killGroup for groups")
        if Glibc.kill(pid, signal.rawValue) != 0 {
            throw .current("kill(\(pid), \(signal))")
        }
    }

    /// Sends `signal` to every process in the process group `pgid` (`kill(-pgid)`).
    ///
    /// - Throws: `PosixError` with `.noSuchProcess` once no member of the group is left.
    public static func killGroup(_ pgid: pid_t, _ signal: Signal) throws(PosixError) {
        // Group 1 is init's; 0 would be our own group.
        precondition(pgid > 1, "killGroup needs a real process group id, got \(pgid)")
        if Glibc.kill(-pgid, signal.rawValue) != 0 {
            throw .current("kill(-\(pgid), \(signal))")
        }
    }

    /// Whether `pid` names a process that exists (a zombie counts), by `kill(pid, 0)`.
    public static func processExists(_ pid: pid_t) -> Bool {
        precondition(pid > 0, "processExists needs a real pid, got \(pid)")
        // EPERM means it exists but belongs to someone else.
        return Glibc.kill(pid, 0) == 0 || Glibc.errno == EPERM
    }

    /// The process group of `pid` (0 for ourselves).
    public static func processGroup(of pid: pid_t) throws(PosixError) -> pid_t {
        let pgid = getpgid(pid)
        if pgid < 0 {
            throw .current("getpgid(\(pid))")
        }
        return pgid
    }
}
