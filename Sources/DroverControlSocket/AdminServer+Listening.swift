import DroverControl
import DroverPosix
import Glibc

extension AdminServer {
    /// Removes a socket file nobody listens on; refuses a live socket or a non-socket file.
    static func removeStaleSocket(at path: String) throws(AdminSocketError) {
        var info = stat()
        if lstat(path, &info) != 0 {
            let errno = Errno.current
            if errno == .noSuchFileOrDirectory {
                return
            }
            throw AdminSocketError(.systemCallFailed, "cannot inspect \(path)", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw AdminSocketError(.notASocket, "\(path) exists and is not a socket; refusing to replace it")
        }
        let probe = try UnixSocketAddress.makeSocket()
        defer { Posix.close(probe) }
        let rc = UnixSocketAddress.with(path) { connect(probe, $0, $1) }
        if rc == 0 {
            throw AdminSocketError(.alreadyInUse, "another supervisor is serving \(path)")
        }
        let errno = Errno.current
        guard errno.rawValue == ECONNREFUSED else {
            throw AdminSocketError(.systemCallFailed, "cannot tell whether \(path) is stale", errno: errno)
        }
        // Refused: its server is gone. Unlink fails harmlessly if another starter won the race.
        if unlink(path) != 0, Errno.current != .noSuchFileOrDirectory {
            throw AdminSocketError(.systemCallFailed, "cannot remove stale socket \(path)", errno: .current)
        }
    }

    /// Binds under a temporary name, restricts it to 0600, listens, then renames it into place.
    static func listen(at path: String) throws(AdminSocketError) -> (Int32, FileIdentity) {
        let temporary = "\(path).\(getpid()).tmp"
        try UnixSocketAddress.check(temporary)
        let fd = try UnixSocketAddress.makeSocket()
        do throws(AdminSocketError) {
            unlink(temporary)
            guard UnixSocketAddress.with(temporary, { bind(fd, $0, $1) }) == 0 else {
                throw AdminSocketError(.systemCallFailed, "cannot bind admin socket \(temporary)", errno: .current)
            }
            // chmod on the path, not fchmod on the fd: Linux ignores a socket fd's mode.
            guard chmod(temporary, 0o600) == 0 else {
                throw AdminSocketError(.systemCallFailed, "cannot restrict \(temporary) to 0600", errno: .current)
            }
            guard Glibc.listen(fd, 16) == 0 else {
                throw AdminSocketError(.systemCallFailed, "cannot listen on \(temporary)", errno: .current)
            }
            guard rename(temporary, path) == 0 else {
                throw AdminSocketError(.systemCallFailed, "cannot move admin socket into place at \(path)", errno: .current)
            }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                throw AdminSocketError(.systemCallFailed, "cannot inspect \(path)", errno: .current)
            }
            return (fd, FileIdentity(info))
        } catch {
            unlink(temporary)
            Posix.close(fd)
            throw error
        }
    }
}
