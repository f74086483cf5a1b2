import DroverQueue
import DroverTestSupport
import Testing

@Suite("Queue contract: reserve order, priority and delay")
struct QueueContractPriorityTests {
    @Test(arguments: QueueBackend.allCases)
    func highIsReservedBeforeNormalAndNormalBeforeLow(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let low = try await queue.enqueueOne(request(priority: .low))
            let normal = try await queue.enqueueOne(request(priority: .normal))
            let high = try await queue.enqueueOne(request(priority: .high))
            let high2 = try await queue.enqueueOne(request(priority: .high))
            var order: [JobID] = []
            while let next = try await queue.reserveOne() { order.append(next.job.id) }
            #expect(order == [high, high2, normal, low])
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func lowJobsDoNotStarveUnderSustainedHighLoad(_ backend: QueueBackend) async throws {
        let policy = QueuePolicy()
        try await withQueue(backend, policy: policy) { queue in
            let highs = try await queue.enqueue((0..<40).map { _ in request(priority: .high) }).map(\.id)
            let lows = try await queue.enqueue((0..<3).map { _ in request(priority: .low) }).map(\.id)
            var order: [JobID] = []
            for _ in 0..<43 {
                let (job, _) = try #require(try await queue.reserveOne())
                order.append(job.id)
            }
            #expect(Set(order) == Set(highs + lows))
            let lowPositions = lows.compactMap { order.firstIndex(of: $0) }
            let firstLow = try #require(lowPositions.min())
            #expect(firstLow <= policy.lowPriorityEvery, "first low job came at pick \(firstLow + 1)")
            let lastHigh = try #require(highs.compactMap { order.firstIndex(of: $0) }.max())
            #expect(lowPositions.allSatisfy { $0 < lastHigh }, "low jobs waited for every high job")
            // Low jobs keep their FIFO order.
            #expect(lowPositions == lowPositions.sorted())
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func normalJobsAreInterleavedWithHighOnes(_ backend: QueueBackend) async throws {
        let policy = QueuePolicy()
        try await withQueue(backend, policy: policy) { queue in
            _ = try await queue.enqueue((0..<20).map { _ in request(priority: .high) })
            let normals = try await queue.enqueue((0..<2).map { _ in request(priority: .normal) }).map(\.id)
            var order: [JobID] = []
            for _ in 0..<22 {
                let (job, _) = try #require(try await queue.reserveOne())
                order.append(job.id)
            }
            let firstNormal = try #require(normals.compactMap { order.firstIndex(of: $0) }.min())
            #expect(firstNormal <= policy.normalPriorityEvery, "first normal job came at pick \(firstNormal + 1)")
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func retriedJobKeepsItsPriority(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.retryBaseMs = 100
        policy.retryJitter = 0
        try await withQueue(backend, policy: policy) { queue in
            let high = try await queue.enqueueOne(request(priority: .high))
            let (_, lease) = try #require(try await queue.reserveOne())
            guard case .retryScheduled(let atMs) = try await queue.fail(lease) else {
                Issue.record("a retryable failure with retries left must be scheduled")
                return
            }
            _ = try await queue.enqueue((0..<3).map { _ in request(priority: .normal) })
            try await Task.sleep(for: .milliseconds(max(0, atMs - nowMs()) + 100))
            let (job, _) = try #require(try await queue.reserveOne())
            #expect(job.id == high)
            #expect(job.priority == .high)
            #expect(job.attempt == 2)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func delayedJobIsNeverReservedBeforeItIsDue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let delayMs = 500
            let id = try await queue.enqueueOne(request(delayMs: delayMs))
            let record = try #require(try await queue.job(id))
            let dueAtMs = record.createdAtMs + Int64(delayMs)
            if nowMs() < dueAtMs {
                #expect(record.status == .delayed)
                #expect(try await queue.counts(of: .noop).delayed == 1)
            }
            var reserved: Job?
            let found = try await eventually {
                reserved = try await queue.reserveOne()?.job
                if reserved != nil {
                    #expect(nowMs() >= dueAtMs, "a delayed job was reserved before it was due")
                }
                return reserved != nil
            }
            #expect(found)
            #expect(reserved?.id == id)
            #expect(reserved?.attempt == 1)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func reserveNeverReturnsMoreThanTheLimit(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueue((0..<10).map { _ in request() })
            #expect(try await queue.reserveRunnable(limit: 3).count == 3)
            #expect(try await queue.reserveRunnable(limit: 0).isEmpty)
            #expect(try await queue.reserveRunnable(limit: 1).count == 1)
            #expect(try await queue.reserveRunnable(limit: 100).count == 6)
            #expect(try await queue.reserveRunnable(limit: 5).isEmpty)
            let error = await #expect(throws: JobQueueError.self) {
                try await queue.reserve(from: [.noop], workerID: "w1", limit: -1)
            }
            #expect(error?.code == .invalidRequest)
            #expect(try await queue.counts(of: .noop).active == 10)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func reserveTakesOnlyTheRequestedTypesAndServesEachOfThem(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueue((0..<3).map { _ in request(.ask) })
            _ = try await queue.enqueue((0..<3).map { _ in request(.search) })
            _ = try await queue.enqueue((0..<3).map { _ in request(.index) })
            #expect(try await queue.reserveRunnable([.evaluate], limit: 10).isEmpty)
            let first = try #require(try await queue.reserveOne([.ask, .search]))
            let second = try #require(try await queue.reserveOne([.ask, .search]))
            #expect(Set([first.job.type, second.job.type]) == [.ask, .search], "one type starved the other")
            let rest = try await queue.reserveRunnable([.ask, .search], limit: 10)
            #expect(rest.count == 4)
            #expect(rest.allSatisfy { $0.job.type != .index })
            #expect(try await queue.counts(of: .index).waiting == 3)
        }
    }
}
