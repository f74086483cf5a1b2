import CDroverLinux
import Glibc

// The watcher thread's side: everything here runs on that one thread.
extension ChildWatcherLoop {
    func run() {
        // Signals belong to the threads that handle them; ours only interrupt poll.
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        pthread_sigmask(SIG_BLOCK, &allSignals, nil)

        while true {
            let (spawns, watched, stopped) = state.withLock { state in
                defer { state.pendingSpawns = [] }
                return (state.pendingSpawns, state.children.map { ($0.key, $0.value.pidfd) }, state.stopped)
            }
            if stopped {
                break
            }
            if !spawns.isEmpty {
                spawns.forEach(performSpawn)
                continue
            }
            var pollSet = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            pollSet += watched.map { pollfd(fd: $0.1, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&pollSet, nfds_t(pollSet.count), -1)
            if ready < 0 {
                if Glibc.errno != EINTR {
                    // ENOMEM: nothing to fix from here; try again shortly rather than spin.
                    usleep(10_000)
                }
                continue
            }
            if pollSet[0].revents != 0 {
                var counter: UInt64 = 0
                _ = read(wakeFD, &counter, MemoryLayout<UInt64>.size)
            }
            for (index, (pid, pidfd)) in watched.enumerated() where pollSet[index + 1].revents != 0 {
                reap(pid, pidfd)
            }
        }
        shutDown()
    }

    private func performSpawn(_ pending: PendingSpawn) {
        let result: Result<WatchedChild, SpawnError>
        do {
            let pid = try ProcessSpawner.spawn(pending.request)
            let pidfd = c_drover_pidfd_open(pid)
            if pidfd < 0 {
                // Unwatched, the child could outlive every record of it: end it now.
                let errno = Errno.current
                Glibc.kill(pid, SIGKILL)
                waitpid(pid, nil, 0)
                result = .failure(SpawnError(.spawnFailed, errno: errno, "started \(pending.request.executablePath) as \(pid) but could not watch it, so killed it"))
            } else {
                let child = WatchedChild(pid: pid)
                state.withLock { $0.children[pid] = Registration(pidfd: pidfd, child: child) }
                result = .success(child)
            }
        } catch {
            result = .failure(error)
        }
        pending.continuation.resume(returning: result)
    }

    private func reap(_ pid: pid_t, _ pidfd: Int32) {
        var reapedPID: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        var rc: Int32
        repeat {
            rc = c_drover_waitid_pidfd(pidfd, 0, &reapedPID, &code, &status)
        } while rc < 0 && Glibc.errno == EINTR
        if rc == 0 {
            return
        }
        let result: Result<ProcessExit, ChildWatchError>
        if rc < 0 {
            let errno = Errno.current
            if errno == .noChildProcess {
                result = .failure(ChildWatchError(.reapedElsewhere, errno: errno, "child \(pid) was reaped by someone else; how it ended is unknown"))
            } else {
                result = .failure(ChildWatchError(.systemCallFailed, errno: errno, "waitid(P_PIDFD, \(pid))"))
            }
        } else if code == c_drover_cld_exited {
            result = .success(.exited(code: status))
        } else {
            result = .success(.signaled(Signal(rawValue: status), coreDumped: code == c_drover_cld_dumped))
        }
        let (registration, subscribers) = state.withLock { state in
            (state.children.removeValue(forKey: pid), Array(state.subscribers.values))
        }
        Posix.close(pidfd)
        registration?.child.finish(result)
        for subscriber in subscribers {
            subscriber.yield(ChildExit(pid: pid, result: result))
        }
    }

    private func shutDown() {
        let (children, spawns, subscribers) = state.withLock { state in
            defer {
                state.children = [:]
                state.pendingSpawns = []
                state.subscribers = [:]
            }
            return (state.children, state.pendingSpawns, Array(state.subscribers.values))
        }
        for (pid, registration) in children {
            Posix.close(registration.pidfd)
            registration.child.finish(.failure(ChildWatchError(.watcherStopped, "the watcher stopped before child \(pid) exited")))
        }
        for pending in spawns {
            pending.continuation.resume(returning: .failure(Self.stoppedSpawnError(pending.request)))
        }
        subscribers.forEach { $0.finish() }
    }
}
