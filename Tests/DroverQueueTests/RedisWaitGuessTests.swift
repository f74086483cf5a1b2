import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Testing

/// A Redis worker sends the reserve of the queue that woke it last together with its wait, so Redis
/// leases the moment the wait ends. These check that a wrong guess costs nothing: the jobs that woke
/// the worker still come back leased, and no wake-up is swallowed.
@Suite("Redis queue: the reserve sent ahead with a wait")
struct RedisWaitGuessTests {
    static let types: [JobType] = [.search, .noop]

    /// Waits on both queues with `limit` slots, and enqueues `wakeUp` once the wait has begun.
    func wait(_ queue: RedisJobQueue, limit: Int, thenEnqueue wakeUp: JobRequest) async throws -> (woke: JobID, leased: [JobID]) {
        async let leased = queue.waitAndReserve(in: Self.types, workerID: "w1", limit: limit, timeout: .seconds(30))
        // Started or not, the wait ends with the same leases: the marker outlives a late wait.
        try await Task.sleep(for: .milliseconds(100))
        let id = try await queue.enqueueOne(wakeUp)
        return (id, try await leased.compactMap(Self.runnableID))
    }

    /// A leased job's id; a malformed one fails the test.
    static func runnableID(_ reserved: ReservedJob) -> JobID? {
        guard case .runnable(let job, let lease) = reserved else {
            Issue.record("unexpected malformed job")
            return nil
        }
        #expect(lease.workerID == "w1")
        return job.id
    }

    @Test func aWorkerOfOneQueueGetsTheJobThatWokeItLeased() async throws {
        try await withRedisQueue { queue, _ in
            for _ in 0..<3 {
                async let leased = queue.waitAndReserve(in: [.noop], workerID: "w1", limit: 2, timeout: .seconds(30))
                try await Task.sleep(for: .milliseconds(100))
                let id = try await queue.enqueueOne(request())
                #expect(try await leased.compactMap(Self.runnableID) == [id])
                #expect(try await queue.job(id)?.status == .active)
            }
        }
    }

    @Test func aWakeFromAnotherQueueThanTheGuessStillLeasesFromThatQueue() async throws {
        try await withRedisQueue { queue, _ in
            // The first wake comes from `noop`, which makes it the next wait's guess.
            let first = try await wait(queue, limit: 2, thenEnqueue: request(.noop))
            #expect(first.leased == [first.woke])
            let second = try await wait(queue, limit: 2, thenEnqueue: request(.search))
            #expect(second.leased == [second.woke])
            #expect(try await queue.job(second.woke)?.status == .active)
            // And back: the guess is now `search`, and a `noop` job wakes the worker.
            let third = try await wait(queue, limit: 2, thenEnqueue: request(.noop))
            #expect(third.leased == [third.woke])
        }
    }

    @Test func aGuessThatTakesEverySlotPassesTheWakeOnToAnotherWorker() async throws {
        try await withRedisQueue { queue, raw in
            _ = try await wait(queue, limit: 1, thenEnqueue: request(.noop))
            // A `noop` job waits without its wake-up (removed by hand), so only the guess can find it.
            let unannounced = try await queue.enqueueOne(request(.noop))
            _ = try await raw.send(["DEL", "drover:{rag:noop}:marker"])

            let woken = try await wait(queue, limit: 1, thenEnqueue: request(.search))
            // The guess filled the only slot; the `search` job that woke the worker is not leased...
            #expect(woken.leased == [unannounced])
            #expect(try await queue.job(woken.woke)?.status == .waiting)
            // ...and its wake-up is back, so the next wait on `search` ends at once with it.
            #expect(try await raw.send(["ZCARD", "drover:{rag:search}:marker"]).int == 1)
            let next = try await queue.waitAndReserve(in: [.search], workerID: "w2", limit: 1, timeout: .seconds(30))
            #expect(next.count == 1)
            #expect(try await queue.job(woken.woke)?.status == .active)
        }
    }

    @Test func aWaitThatTimesOutStillLeasesWhatTheGuessedQueueHolds() async throws {
        try await withRedisQueue { queue, raw in
            // A worker of one queue: the guess is `noop`, sent from the second wait on.
            async let first = queue.waitAndReserve(in: [.noop], workerID: "w1", limit: 1, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(100))
            _ = try await queue.enqueueOne(request(.noop))
            #expect(try await first.count == 1)
            // A job waits without its wake-up (removed by hand): the wait times out, and the reserve
            // that went with it finds the job anyway.
            let unannounced = try await queue.enqueueOne(request(.noop))
            _ = try await raw.send(["DEL", "drover:{rag:noop}:marker"])
            let leased = try await queue.waitAndReserve(in: [.noop], workerID: "w1", limit: 1, timeout: .milliseconds(200))
            #expect(leased.compactMap(Self.runnableID) == [unannounced])
        }
    }
}
