import DroverPosix
import Glibc

/// Calls a closure every interval on a thread of its own, so heartbeats go out while jobs run.
///
/// A job that blocks a thread or hogs the cooperative pool cannot delay this thread; only a
/// stopped or starved process can, which is exactly what the supervisor's hang check is for.
/// The interval is a fixed delay between the end of one tick and the start of the next.
public final class HeartbeatTimer: Sendable {
    struct State {
        var interval: Duration
        var stopped = false
        var exited = false
        /// Bumped by `setInterval`, so a sleeping thread restarts its wait with the new length.
        var generation = 0
    }

    private let state: ConditionLock<State>
    private let threadID = ConditionLock<pthread_t?>(nil)

    /// Starts the thread; the first tick comes one interval from now.
    public init(interval: Duration, tick: @escaping @Sendable () -> Void) throws(PosixError) {
        precondition(interval > .zero, "heartbeat interval must be positive, got \(interval)")
        let state = ConditionLock(State(interval: interval))
        let threadID = self.threadID
        self.state = state
        do {
            try DedicatedThread.start(name: "drover-heartbeat") {
                threadID.withLockThenSignal { $0 = pthread_self() }
                Self.run(state: state, tick: tick)
            }
        } catch {
            // deinit runs even though init throws; it must not wait for a thread that never ran.
            state.withLockThenSignal { $0.exited = true }
            throw error
        }
    }

    deinit {
        stop()
    }

    /// Changes the interval; a wait under way restarts with the new length.
    public func setInterval(_ interval: Duration) {
        precondition(interval > .zero, "heartbeat interval must be positive, got \(interval)")
        state.withLockThenSignal { state in
            state.interval = interval
            state.generation += 1
        }
    }

    /// Stops ticking. Returns once no tick is running and none will start; called from inside a
    /// tick, it returns at once and that tick is the last.
    public func stop() {
        state.withLockThenSignal { $0.stopped = true }
        let onTimerThread = threadID.withLockThenSignal { id in id.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        if onTimerThread {
            return
        }
        state.wait(until: nil) { state, _ in state.exited ? () : nil }
    }

    private static func run(state: ConditionLock<State>, tick: @Sendable () -> Void) {
        while true {
            let (interval, generation) = state.withLockThenSignal { ($0.interval, $0.generation) }
            let deadline = ConditionLock<State>.deadline(after: interval)
            // true: time to tick; false: stopped; nil (inside): keep waiting.
            let shouldTick: Bool = state.wait(until: deadline) { state, timedOut in
                if state.stopped {
                    return false
                }
                if state.generation != generation {
                    return true
                }
                return timedOut ? true : nil
            }
            let restarted = state.withLockThenSignal { $0.generation != generation }
            if !shouldTick {
                break
            }
            if restarted {
                continue
            }
            tick()
        }
        state.withLockThenSignal { $0.exited = true }
    }
}
