@testable import DroverQueue
import DroverTestSupport
import Testing

/// What only the in-memory backend promises, or can show: exact pick order, bounded memory,
/// cancellation of a parked waiter.
@Suite("In-memory queue")
struct InMemoryJobQueueTests {
    @Test func picksFollowTheSkipCountersExactly() async throws {
        var policy = QueuePolicy()
        policy.lowPriorityEvery = 3
        policy.normalPriorityEvery = 2
        let queue = InMemoryJobQueue(policy: policy)
        let highs = try await queue.enqueue((0..<6).map { _ in request(priority: .high) }).map(\.id)
        let normals = try await queue.enqueue((0..<3).map { _ in request(priority: .normal) }).map(\.id)
        let lows = try await queue.enqueue((0..<2).map { _ in request(priority: .low) }).map(\.id)
        var order: [JobID] = []
        while let next = try await queue.reserveOne() { order.append(next.job.id) }
        let expected = [
            highs[0], highs[1], normals[0], lows[0], highs[2], highs[3], normals[1], lows[1], highs[4], highs[5], normals[2],
        ]
        #expect(order == expected)
    }

    @Test func reserveTakesOneJobPerTypePerRoundAndRotatesTheFirstType() async throws {
        let queue = InMemoryJobQueue()
        _ = try await queue.enqueue((0..<4).map { _ in request(.ask) } + (0..<4).map { _ in request(.search) })
        let first = try await queue.reserveRunnable([.ask, .search], limit: 3).map(\.job.type)
        #expect(first == [.ask, .search, .ask])
        let second = try await queue.reserveRunnable([.ask, .search], limit: 3).map(\.job.type)
        #expect(second == [.search, .ask, .search])
    }

    @Test func parkedWaiterReturnsFalseWhenItsTaskIsCancelled() async throws {
        let queue = InMemoryJobQueue()
        let waiter = Task { try await queue.waitForJobs(in: [.noop], timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        #expect(try await waiter.value == false)
        #expect(await queue.waiters.isEmpty)
    }

    @Test func everyParkedWaiterOfATypeIsWokenByOneEnqueue() async throws {
        let queue = InMemoryJobQueue()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 {
                group.addTask { try await queue.waitForJobs(in: [.noop], timeout: .seconds(10)) }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(100))
                _ = try await queue.enqueueOne(request())
                return true
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 6))
        #expect(await queue.waiters.isEmpty)
    }

    @Test func expiredJobsKeysAndSubscribersAreDropped() async throws {
        var policy = QueuePolicy()
        // Long enough that a slow, loaded machine still finishes the 50 jobs before any expires.
        policy.completedRetentionMs = 1_500
        policy.deadRetentionMs = 1_500
        policy.dedupWindowMs = 1_500
        policy.idempotencyTTLMs = 1_500
        let queue = InMemoryJobQueue(policy: policy)
        var stream: AsyncStream<JobEvent>? = try await queue.events(of: [.noop])
        _ = try await queue.enqueue((0..<50).map { request(retries: 0, idempotencyKey: "key-\($0)") })
        for index in 0..<50 {
            let (_, lease) = try #require(try await queue.reserveOne())
            _ = index.isMultiple(of: 2) ? try await queue.complete(lease) : try await queue.fail(lease)
        }
        #expect(await queue.jobs.count == 50)
        stream = nil
        _ = stream
        let drained = try await eventually {
            _ = try await queue.counts(of: .noop)
            let jobs = await queue.jobs.count
            let dedup = await queue.dedup.count
            let keys = await queue.idempotency.count
            let subscribers = await queue.subscribers.count
            return jobs == 0 && dedup == 0 && keys == 0 && subscribers == 0
        }
        #expect(drained)
        let counts = try await queue.counts(of: .noop)
        #expect(counts.completed == 0 && counts.dead == 0)
    }

    @Test func cancelledScheduledJobsDoNotPileUpInTheSchedule() async throws {
        let queue = InMemoryJobQueue()
        for _ in 0..<1_000 {
            let id = try await queue.enqueueOne(request(delayMs: 3_600_000))
            #expect(try await queue.cancel(id) == .cancelled)
        }
        #expect(await queue.states[.noop]!.schedule.count <= 200)
        #expect(try await queue.counts(of: .noop).delayed == 0)
    }

    @Test func aWaiterWakesAtTheDueTimeOfADelayedJobScheduledAfterItParked() async throws {
        let queue = InMemoryJobQueue()
        async let woke = queue.waitForJobs(in: [.noop], timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        _ = try await queue.enqueueOne(request(delayMs: 200))
        #expect(try await woke)
        #expect(try await queue.counts(of: .noop).waiting == 1)
    }

    @Test func waitWithAnEnormousTimeoutStillWakesAndAZeroTimeoutDoesNotPark() async throws {
        let queue = InMemoryJobQueue()
        #expect(try await queue.waitForJobs(in: [.noop], timeout: .zero) == false)
        #expect(try await queue.waitForJobs(in: [.noop], timeout: .seconds(-5)) == false)
        async let woke = queue.waitForJobs(in: [.noop], timeout: .seconds(Int64.max))
        try await Task.sleep(for: .milliseconds(100))
        _ = try await queue.enqueueOne(request())
        #expect(try await woke)
    }
}
