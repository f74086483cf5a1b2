import Glibc

/// A serial executor that runs every job on one dedicated thread it owns, so actor code on it may
/// block (hiredis's blocking reads, `BZPOPMIN`) without starving Swift's cooperative pool.
///
/// The thread lives until `shutdown()`; queued jobs still run before it exits.
// @unchecked Sendable: `queue` and `stopping` are only read or written with `mutex` held, and
// `thread` is written once in init, before the executor is handed to anyone who could call `checkIsolated()`.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // pthread mutexes and condition variables must not move in memory, so they live on the heap.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [UnownedJob] = []
    private var stopping = false
    private var thread = pthread_t()

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        // The thread holds the executor strongly until it has drained the queue after `shutdown()`.
        thread = DedicatedThread.start { [self] in runLoop() }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        queue.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func checkIsolated() {
        precondition(pthread_equal(thread, pthread_self()) != 0, "not on this actor's Redis thread")
    }

    /// Lets the thread exit once every queued job has run.
    func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func runLoop() {
        let executor = asUnownedSerialExecutor()
        var batch: [UnownedJob] = []
        while true {
            pthread_mutex_lock(mutex)
            while queue.isEmpty && !stopping {
                pthread_cond_wait(condition, mutex)
            }
            if queue.isEmpty {
                pthread_mutex_unlock(mutex)
                return
            }
            // Take the whole queue at once: one lock round trip per wake-up, not per job.
            swap(&batch, &queue)
            pthread_mutex_unlock(mutex)
            for job in batch {
                job.runSynchronously(on: executor)
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
