import DroverQueue
import DroverRedis
import Synchronization

/// The Redis-backed `JobQueue`: every state change is one Lua script call, and batches of jobs
/// move in one round trip (enqueue, reserve, finish).
///
/// One instance owns two connections: one for commands and one for the blocking wait, so a
/// worker that waits for work can still ack the jobs it is running.
public final class RedisJobQueue: JobQueue {
    let url: RedisURL
    let options: RedisOptions
    let policy: QueuePolicy
    let namespace: String
    let commands: RedisClient
    let blocking: RedisClient
    /// Each worker id's own hints: an "empty" verdict covers that worker's sticky list too.
    let hintsByWorker = Mutex<[String: ReserveHints]>([:])

    /// Jobs per script call when enqueueing or finishing many: big enough to amortise the call,
    /// small enough that one script never holds Redis for long.
    static let batchSize = 500

    public init(url: RedisURL, policy: QueuePolicy = .init(), namespace: String = "drover", options: RedisOptions = .init()) {
        self.url = url
        self.options = options
        self.policy = policy
        self.namespace = namespace
        self.commands = RedisClient(url: url, options: options)
        self.blocking = RedisClient(url: url, options: options)
    }

    /// Closes both connections; later calls reconnect.
    public func close() async {
        await commands.close()
        await blocking.close()
    }

    func keys(_ type: JobType) -> QueueKeys { QueueKeys(namespace: namespace, type: type) }

    /// Runs one script on the command connection, mapping Redis failures to queue errors.
    func run(_ script: RedisScript, _ type: JobType, _ arguments: RedisCommand) async throws(JobQueueError) -> RedisReply {
        do {
            return try await commands.evaluate(script, keys: [keys(type).meta], arguments: arguments)
        } catch {
            throw Self.queueError(error)
        }
    }

    /// One script call of a pipeline.
    typealias ScriptCall = (script: RedisScript, keys: [String], arguments: RedisCommand)

    /// Runs several script calls in one round trip.
    func runPipeline(_ calls: [ScriptCall]) async throws(JobQueueError) -> [RedisReply] {
        if calls.isEmpty { return [] }
        let replies: [RedisReply]
        do {
            replies = try await commands.evaluatePipeline(calls)
        } catch {
            throw Self.queueError(error)
        }
        for reply in replies {
            if case .error(let message) = reply { throw JobQueueError(.unavailable, "redis script failed: \(message)") }
        }
        return replies
    }

    static func queueError(_ error: RedisError) -> JobQueueError {
        JobQueueError(.unavailable, "redis: \(error)")
    }

    /// The common arguments of every script: the queue prefix first.
    func arguments(_ type: JobType) -> RedisCommand {
        RedisCommand(keys(type).prefix)
    }

    /// Groups items by job type, keeping each item's position so replies map back in order.
    static func grouped<T>(_ items: [T], by type: (T) -> JobType) -> [(JobType, [(index: Int, item: T)])] {
        var groups: [JobType: [(index: Int, item: T)]] = [:]
        var order: [JobType] = []
        for (index, item) in items.enumerated() {
            let t = type(item)
            if groups[t] == nil { order.append(t) }
            groups[t, default: []].append((index, item))
        }
        return order.map { ($0, groups[$0]!) }
    }
}

/// What a worker remembers between reserves: which queue to try first, and which queues
/// were empty a moment ago, so an idle queue costs no round trip on every reserve.
struct ReserveHints: Sendable {
    var rotation = 0
    var emptyUntilMs: [JobType: Int64] = [:]
    /// When each queue's next delayed or backed-off job falls due (client clock, nil: none), as the
    /// last reserve that emptied it saw; `waitForJobs` takes these instead of asking Redis again.
    /// A job scheduled later re-arms the wake marker, so the wait ends and the next reserve sees it.
    var dueAtMs: [JobType: (observedMs: Int64, dueAtMs: Int64?)] = [:]
    /// The queue whose marker last ended a wait: the reserve sent ahead with the next wait.
    var lastWoken: JobType?
}
