import DroverQueue
import DroverRedisQueue
import DroverTestSupport

/// The `JobQueue` implementations the contract suite runs against.
///
/// Backend-specific code lives only in `makeQueue`; every contract test takes a backend argument.
enum QueueBackend: CaseIterable, CustomStringConvertible, Sendable {
    case memory
    /// A real redis-server on a temp Unix socket, one per queue made.
    case redis

    var description: String {
        switch self {
        case .memory: return "memory"
        case .redis: return "redis"
        }
    }

    /// A fresh, empty queue with `policy`; the caller must `shutdown()` it.
    func makeQueue(policy: QueuePolicy) async throws -> QueueUnderTest {
        switch self {
        case .memory:
            return QueueUnderTest(queue: InMemoryJobQueue(policy: policy), shutdown: {})
        case .redis:
            let server = try await RedisServer()
            let queue = RedisJobQueue(url: server.url, policy: policy)
            return QueueUnderTest(queue: queue, shutdown: {
                await queue.close()
                server.stop()
            })
        }
    }
}

/// A queue made for one test, with whatever it needs stopped afterwards (a redis-server, …).
struct QueueUnderTest: Sendable {
    let queue: any JobQueue
    private let stop: @Sendable () async throws -> Void

    init(queue: any JobQueue, shutdown: @escaping @Sendable () async throws -> Void) {
        self.queue = queue
        self.stop = shutdown
    }

    func shutdown() async throws {
        try await stop()
    }
}

/// Runs `body` against a fresh queue of `backend` and shuts the queue down, also when `body` throws.
func withQueue(
    _ backend: QueueBackend, policy: QueuePolicy = QueuePolicy(),
    _ body: (any JobQueue) async throws -> Void
) async throws {
    let underTest = try await backend.makeQueue(policy: policy)
    do {
        try await body(underTest.queue)
    } catch {
        try? await underTest.shutdown()
        throw error
    }
    try await underTest.shutdown()
}
