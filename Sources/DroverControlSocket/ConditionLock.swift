import Glibc

/// A mutex with one condition variable on the monotonic clock, guarding a value.
///
/// Exists because `Synchronization.Mutex` cannot wait for a change with a deadline.
// @unchecked Sendable: `value` is read and written only while `mutex` is held, and the
// pthread objects are allocated once in init and destroyed only in deinit.
final class ConditionLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Monotonic, so a wall-clock jump neither fires a heartbeat early nor stalls it for hours.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held, then wakes every waiter.
    func withLockThenSignal<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&value)
    }

    /// Holds the lock until `body` returns a result or `deadline` passes, waiting for signals
    /// in between; `body` gets `true` on its last call, when the deadline has passed.
    func wait<Result>(until deadline: timespec?, _ body: (inout Value, _ timedOut: Bool) -> Result?) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = body(&value, false) {
                return result
            }
            if var deadline {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT, let result = body(&value, true) {
                    return result
                }
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }

    /// The monotonic time `duration` from now, for `wait(until:)`.
    static func deadline(after duration: Duration) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        return timespec(
            tv_sec: now.tv_sec + Int(seconds) + nanoseconds / 1_000_000_000,
            tv_nsec: nanoseconds % 1_000_000_000
        )
    }
}
