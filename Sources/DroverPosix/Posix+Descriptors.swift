import CDroverLinux
import Glibc

extension Posix {
    /// A connected pair of Unix stream sockets, both close-on-exec from birth.
    public static func socketPair() throws(PosixError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        if rc != 0 {
            throw .current("socketpair(AF_UNIX, SOCK_STREAM)")
        }
        return (fds[0], fds[1])
    }

    /// A pipe, `(read, write)`, both ends close-on-exec from birth.
    public static func pipe() throws(PosixError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        if c_drover_pipe_cloexec(&fds) != 0 {
            throw .current("pipe2(O_CLOEXEC)")
        }
        return (fds[0], fds[1])
    }

    /// Sets or clears `FD_CLOEXEC` on `fd`.
    public static func setCloseOnExec(_ fd: Int32, _ enabled: Bool = true) throws(PosixError) {
        let flags = fcntl(fd, F_GETFD)
        if flags < 0 {
            throw .current("fcntl(\(fd), F_GETFD)")
        }
        let updated = enabled ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC
        if updated != flags, fcntl(fd, F_SETFD, updated) != 0 {
            throw .current("fcntl(\(fd), F_SETFD)")
        }
    }

    /// Whether `FD_CLOEXEC` is set on `fd`.
    public static func isCloseOnExec(_ fd: Int32) throws(PosixError) -> Bool {
        let flags = fcntl(fd, F_GETFD)
        if flags < 0 {
            throw .current("fcntl(\(fd), F_GETFD)")
        }
        return flags & FD_CLOEXEC != 0
    }

    /// Sets or clears `O_NONBLOCK` on `fd`.
    public static func setNonBlocking(_ fd: Int32, _ enabled: Bool = true) throws(PosixError) {
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 {
            throw .current("fcntl(\(fd), F_GETFL)")
        }
        let updated = enabled ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if updated != flags, fcntl(fd, F_SETFL, updated) != 0 {
            throw .current("fcntl(\(fd), F_SETFL)")
        }
    }

    /// Whether `fd` is an open descriptor of this process.
    public static func isOpen(_ fd: Int32) -> Bool {
        fd >= 0 && fcntl(fd, F_GETFD) >= 0
    }

    /// Closes `fd`. An `EINTR` from close is not retried: on Linux the descriptor is gone anyway.
    public static func close(_ fd: Int32) {
        let rc = Glibc.close(fd)
        // EBADF means we closed something we did not own: a bug that could close someone else's fd.
        precondition(rc == 0 || Glibc.errno != EBADF, "close(\(fd)): not an open descriptor")
    }
}
