import DroverControl
import DroverPosix
import Glibc

// The accept thread's side, and each connection's reader thread.
extension AdminServer {
    func acceptLoop() {
        let owns = state.withLock { state in
            if !state.stopped {
                state.acceptThreadOwnsSocket = true
            }
            return state.acceptThreadOwnsSocket
        }
        guard owns else {
            return
        }
        while true {
            // accept, not accept4 (GNU-only, not imported); the spawner closes every descriptor
            // it was not told to pass, so the moment before FD_CLOEXEC leaks nothing to a child.
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                let errno = Glibc.errno
                if state.withLock({ $0.stopped }) {
                    break
                }
                switch errno {
                case EINTR, ECONNABORTED:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: waiting beats spinning, and the backlog holds.
                    usleep(100_000)
                    continue
                default:
                    usleep(100_000)
                    continue
                }
            }
            try? Posix.setCloseOnExec(fd)
            admit(fd)
        }
        Posix.close(listenFD)
    }

    /// Checks who is calling, then hands the connection to a reader thread.
    private func admit(_ fd: Int32) {
        UnixSocketAddress.setTimeouts(fd, requestTimeout)
        // struct ucred is GNU-only in Glibc's headers; its layout is pid, uid, gid: three 32-bit words.
        var credentials: [UInt32] = [0, 0, 0]
        var length = socklen_t(MemoryLayout<UInt32>.size * 3)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            Self.respond(fd, .error("cannot identify the connecting process: \(Errno.current)"))
            return
        }
        let peerUID = uid_t(credentials[1])
        guard access.allows(peerUID: peerUID) else {
            Self.respond(fd, .error("uid \(peerUID) may not use this admin socket; run as uid \(access.allowedUID) or root"))
            return
        }
        let open = openConnections.add(1, ordering: .relaxed).newValue
        guard open <= maxConcurrentConnections else {
            openConnections.subtract(1, ordering: .relaxed)
            Self.respond(fd, .error("busy: \(maxConcurrentConnections) admin connections are open; try again"))
            return
        }
        do {
            try DedicatedThread.start(name: "drover-admin-conn") { [self] in
                readRequest(fd)
                openConnections.subtract(1, ordering: .relaxed)
            }
        } catch {
            openConnections.subtract(1, ordering: .relaxed)
            Self.respond(fd, .error("cannot serve the request: \(error)"))
        }
    }

    private func readRequest(_ fd: Int32) {
        let request: AdminRequest
        switch LineReader.read(fd, limit: AdminProtocol.maxRequestLength) {
        case .line(let line):
            do {
                request = try AdminRequest(jsonLine: line)
            } catch {
                Self.respond(fd, .error(error.message))
                return
            }
        case .tooLong:
            Self.respond(fd, .error("request line is longer than \(AdminProtocol.maxRequestLength) bytes"))
            return
        case .timedOut:
            Self.respond(fd, .error("no whole request line within \(requestTimeout)"))
            return
        case .empty, .failed:
            Posix.close(fd)
            return
        }
        if case .terminated = requestSink.yield(Pending(fd: fd, request: request)) {
            Self.respond(fd, .error("the supervisor is shutting down"))
        }
    }
}
