import Glibc
import Synchronization

/// A child process a `ChildWatcher` reaps; await `exit()` to learn how it ended.
///
/// The exit is kept here once known, so any number of callers may ask, before or after it happens.
public final class WatchedChild: Sendable {
    private struct State {
        var result: Result<ProcessExit, ChildWatchError>?
        var waiters: [UInt64: CheckedContinuation<Result<ProcessExit, ChildWatchError>, Never>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    public let pid: pid_t
    private let state = Mutex(State())

    init(pid: pid_t) {
        self.pid = pid
    }

    /// Suspends until the child has exited and been reaped, then says how it ended.
    ///
    /// - Throws: `.cancelled` if the task is cancelled (the child stays watched),
    ///   `.watcherStopped` or `.reapedElsewhere` when the exit cannot be known.
    public func exit() async throws(ChildWatchError) -> ProcessExit {
        try await result().get()
    }

    /// Like `exit()`, but gives up after `timeout` and returns nil; the child stays watched.
    public func exit(timeout: Duration) async throws(ChildWatchError) -> ProcessExit? {
        let first = await withTaskGroup(of: Result<ProcessExit, ChildWatchError>?.self) { group in
            group.addTask { await self.result() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let first {
            return try first.get()
        }
        if Task.isCancelled {
            throw ChildWatchError(.cancelled, "stopped waiting for child \(pid): the task was cancelled")
        }
        return nil
    }

    /// The exit if it is already known; never waits.
    public var exitIfKnown: ProcessExit? {
        state.withLock { state in
            if case .success(let exit) = state.result {
                return exit
            }
            return nil
        }
    }

    /// Whether the watcher has finished with this child (reaped, or gave up on it).
    public var isFinished: Bool {
        state.withLock { $0.result != nil }
    }

    func result() async -> Result<ProcessExit, ChildWatchError> {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Result<ProcessExit, ChildWatchError>? = state.withLock { state in
                    if let result = state.result {
                        return result
                    }
                    // The cancellation handler may have run before we registered; it found nothing.
                    if Task.isCancelled {
                        return .failure(cancelled)
                    }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: .failure(cancelled))
        }
    }

    private var cancelled: ChildWatchError {
        ChildWatchError(.cancelled, "stopped waiting for child \(pid): the task was cancelled")
    }

    /// Records the end and wakes every waiter; later calls are ignored.
    func finish(_ result: Result<ProcessExit, ChildWatchError>) {
        let waiters = state.withLock { state in
            guard state.result == nil else {
                return [CheckedContinuation<Result<ProcessExit, ChildWatchError>, Never>]()
            }
            state.result = result
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(returning: result)
        }
    }
}
