import CDroverLinux
import Glibc
import Synchronization

/// The thread behind a `ChildWatcher`: polls one pidfd per child and reaps each as it exits.
///
/// Only this thread reaps and closes pidfds, so a pidfd is never closed while being polled.
final class ChildWatcherLoop: Sendable {
    struct Registration {
        let pidfd: Int32
        let child: WatchedChild
    }

    struct PendingSpawn {
        let request: SpawnRequest
        let continuation: CheckedContinuation<Result<WatchedChild, SpawnError>, Never>
    }

    struct State {
        var children: [pid_t: Registration] = [:]
        var pendingSpawns: [PendingSpawn] = []
        var subscribers: [UInt64: AsyncStream<ChildExit>.Continuation] = [:]
        var nextSubscriberID: UInt64 = 0
        var stopped = false
    }

    let state = Mutex(State())
    /// An eventfd that wakes the thread out of poll; closed only in deinit, so a late wake is harmless.
    let wakeFD: Int32

    init() throws(PosixError) {
        let fd = c_drover_eventfd()
        if fd < 0 {
            throw .current("eventfd(EFD_CLOEXEC)")
        }
        wakeFD = fd
    }

    deinit {
        Posix.close(wakeFD)
    }

    /// Starts the thread; it keeps this object alive until it has stopped.
    func start() throws(PosixError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<ChildWatcherLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<ChildWatcherLoop>.fromOpaque(context).release()
            throw PosixError(Errno(rawValue: rc), operation: "pthread_create(child watcher)")
        }
        pthread_detach(thread)
    }

    func stop() {
        state.withLock { $0.stopped = true }
        wake()
    }

    var watchedCount: Int {
        state.withLock { $0.children.count }
    }

    func watch(_ pid: pid_t) throws(ChildWatchError) -> WatchedChild {
        precondition(pid > 0, "watch needs a real pid, got \(pid)")
        if let existing = state.withLock({ $0.children[pid]?.child }) {
            return existing
        }
        let pidfd = c_drover_pidfd_open(pid)
        if pidfd < 0 {
            let errno = Errno.current
            if errno == .noSuchProcess {
                throw ChildWatchError(.noSuchProcess, errno: errno, "no process \(pid) to watch (it may have been reaped already)")
            }
            throw ChildWatchError(.systemCallFailed, errno: errno, "pidfd_open(\(pid))")
        }
        // WNOWAIT peeks without reaping: only our own children can be waited for.
        var reapedPID: pid_t = 0
        var code: Int32 = 0
        var status: Int32 = 0
        if c_drover_waitid_pidfd(pidfd, WNOWAIT, &reapedPID, &code, &status) < 0 {
            let errno = Errno.current
            Posix.close(pidfd)
            if errno == .noChildProcess {
                throw ChildWatchError(.notAChild, errno: errno, "process \(pid) is not our child, so its exit cannot be watched")
            }
            throw ChildWatchError(.systemCallFailed, errno: errno, "waitid(P_PIDFD, \(pid))")
        }
        enum Outcome {
            case registered(WatchedChild)
            case alreadyWatched(WatchedChild)
            case stopped
        }
        let outcome: Outcome = state.withLock { state in
            if state.stopped {
                return .stopped
            }
            if let existing = state.children[pid] {
                return .alreadyWatched(existing.child)
            }
            let child = WatchedChild(pid: pid)
            state.children[pid] = Registration(pidfd: pidfd, child: child)
            return .registered(child)
        }
        switch outcome {
        case .registered(let child):
            wake()
            return child
        case .alreadyWatched(let child):
            // Another caller watched the same pid meanwhile; its pidfd serves both.
            Posix.close(pidfd)
            return child
        case .stopped:
            Posix.close(pidfd)
            throw ChildWatchError(.watcherStopped, "cannot watch \(pid): the watcher has stopped")
        }
    }

    func spawn(_ request: SpawnRequest) async -> Result<WatchedChild, SpawnError> {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state in
                if state.stopped {
                    return false
                }
                state.pendingSpawns.append(PendingSpawn(request: request, continuation: continuation))
                return true
            }
            if accepted {
                wake()
            } else {
                continuation.resume(returning: .failure(Self.stoppedSpawnError(request)))
            }
        }
    }

    func exits() -> AsyncStream<ChildExit> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChildExit.self)
        let id: UInt64? = state.withLock { state in
            if state.stopped {
                return nil
            }
            defer { state.nextSubscriberID += 1 }
            state.subscribers[state.nextSubscriberID] = continuation
            return state.nextSubscriberID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    private func wake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is full, so a wake is pending anyway.
        _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
    }

    static func stoppedSpawnError(_ request: SpawnRequest) -> SpawnError {
        SpawnError(.spawnFailed, "cannot run \(request.executablePath): the child watcher has stopped")
    }
}
