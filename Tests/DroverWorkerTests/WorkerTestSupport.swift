import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import DroverWorker
import Logging
import Synchronization
import Testing

/// A JobRunner over a real Redis, run as a child task of the test.
struct RunningWorker {
    let runner: JobRunner
    let task: Task<Void, Never>

    static func start(
        queue: any JobQueue, id: String = "test-worker", concurrency: Int = 3,
        handlers: [JobType: any JobHandler] = [.noop: NoopHandler()]
    ) -> RunningWorker {
        var configuration = WorkerConfiguration(workerID: id)
        configuration.concurrency = concurrency
        configuration.types = Array(handlers.keys)
        configuration.waitTimeout = .milliseconds(200)
        let runner = JobRunner(queue: queue, handlers: handlers, configuration: configuration, logger: Logger(label: "test"))
        return RunningWorker(runner: runner, task: Task { await runner.run() })
    }

    /// Drains and waits for the loop to return.
    func stop() async {
        runner.drain()
        await task.value
    }
}

/// A handler that counts how many of its jobs run at once and, while each runs, how many jobs the
/// queue has leased out: a worker that leased ahead of its free slots would show more leases than runs.
final class ConcurrencyProbe: JobHandler {
    private let state = Mutex((running: 0, most: 0, mostLeased: 0))
    let sleep: Duration
    let queue: any JobQueue

    init(sleep: Duration, queue: any JobQueue) {
        self.sleep = sleep
        self.queue = queue
    }

    var most: Int { state.withLock { $0.most } }
    var mostLeased: Int { state.withLock { $0.mostLeased } }

    func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        state.withLock { s in
            s.running += 1
            s.most = max(s.most, s.running)
        }
        defer { state.withLock { $0.running -= 1 } }
        let leased = try await queue.counts(of: job.type).active
        state.withLock { $0.mostLeased = max($0.mostLeased, leased) }
        try await Task.sleep(for: sleep)
        return .object(["ok": .bool(true)])
    }
}

/// Sleeps `payload.sleepMs` like a noop, and counts the sleeps that cancellation cut short.
final class CancellationProbe: JobHandler {
    private let stopped = Mutex(0)

    var stoppedCount: Int { stopped.withLock { $0 } }

    func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        do {
            try await Task.sleep(for: .milliseconds(job.payload["sleepMs"]?.intValue ?? 0))
        } catch {
            stopped.withLock { $0 += 1 }
            throw error
        }
        return job.payload
    }
}

func noop(sleepMs: Int = 0, index: Int = 0, timeoutMs: Int = 30_000, retries: Int = 2) -> JobRequest {
    JobRequest(type: .noop, payload: .object(["sleepMs": .int(sleepMs), "i": .int(index)]), timeoutMs: timeoutMs, retries: retries)
}

/// Statuses of many jobs.
func statuses(_ queue: any JobQueue, _ ids: [JobID]) async throws -> [JobStatus] {
    var out: [JobStatus] = []
    for id in ids { out.append(try await queue.job(id)?.status ?? .cancelled) }
    return out
}
