import Glibc

/// Reports each child's exit the moment it happens, from one thread serving every child.
///
/// Each watched child has a pidfd; the watcher's thread polls them all (no SIGCHLD, no timers)
/// and reaps a child with `waitid(P_PIDFD)` as soon as its pidfd turns readable. A child that
/// exited before `watch` is still reported: it stays a zombie until reaped.
///
/// - Important: Nothing else in the process may reap these children (no `waitpid(-1)`).
///   Stopping the watcher (or dropping it) leaves still-running children unwatched.
public final class ChildWatcher: Sendable {
    private let loop: ChildWatcherLoop

    /// Starts the watcher's thread.
    public init() throws(PosixError) {
        loop = try ChildWatcherLoop()
        try loop.start()
    }

    deinit {
        loop.stop()
    }

    /// Spawns `request` from the watcher's own thread and watches the child from birth.
    ///
    /// Prefer this for children that use `Posix.dieWithParent`: the kernel's death signal follows
    /// the spawning *thread*, and this one lives as long as the watcher.
    public func spawn(_ request: SpawnRequest) async throws(SpawnError) -> WatchedChild {
        try await loop.spawn(request).get()
    }

    /// Starts watching a child spawned elsewhere (e.g. by `ProcessSpawner.spawn`).
    ///
    /// Watching the same pid twice returns the same `WatchedChild`.
    /// - Throws: `.noSuchProcess` if there is no such process, `.notAChild` if it is not ours.
    public func watch(_ pid: pid_t) throws(ChildWatchError) -> WatchedChild {
        try loop.watch(pid)
    }

    /// Every watched child's exit from now on, in the order they were reaped.
    ///
    /// Subscribe before spawning so no exit is missed. Several subscribers each get every exit.
    public func exits() -> AsyncStream<ChildExit> {
        loop.exits()
    }

    /// How many children are watched and not yet reaped.
    public var watchedCount: Int {
        loop.watchedCount
    }

    /// Stops the thread; waiters get `.watcherStopped`, and `exits()` streams finish.
    public func stop() {
        loop.stop()
    }
}
