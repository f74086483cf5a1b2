import DroverQueue
import Testing

@Suite("Queue contract: sticky queues per worker")
struct QueueContractStickyTests {
    func routed(to worker: String, _ type: JobType = .noop, priority: JobPriority = .normal, delayMs: Int = 0) -> JobRequest {
        var job = request(type, priority: priority, delayMs: delayMs)
        job.targetWorker = worker
        return job
    }

    @Test(arguments: QueueBackend.allCases)
    func aRoutedJobGoesOnlyToItsWorkerAndBeforeTheSharedQueue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let shared = try await queue.enqueueOne(request(priority: .high))
            let sticky = try await queue.enqueueOne(routed(to: "w2"))
            #expect(try await queue.waitingCount(in: [.noop]) == 2)
            #expect(try await queue.counts(of: .noop).waiting == 2)
            // w1 sees only the shared job, even with room for more.
            #expect(try await queue.reserveRunnable(worker: "w1", limit: 5).map(\.job.id) == [shared])
            #expect(try await queue.reserveRunnable(worker: "w1", limit: 5).isEmpty)
            let mine = try #require(try await queue.reserveOne(worker: "w2"))
            #expect(mine.job.id == sticky)
            #expect(try await queue.job(sticky)?.workerID == "w2")
            #expect(try await queue.waitingCount(in: [.noop]) == 0)
            #expect(try await queue.complete(mine.lease) == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func theWorkersOwnJobsComeFirstThenTheSharedOnesFillTheLimit(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let shared = try await queue.enqueue([request(priority: .high), request(priority: .high)]).map(\.id)
            let sticky = try await queue.enqueue([routed(to: "w2", priority: .low), routed(to: "w2", priority: .low)]).map(\.id)
            let got = try await queue.reserveRunnable(worker: "w2", limit: 3)
            #expect(got.map(\.job.id) == sticky + [shared[0]] || got.map(\.job.id) == sticky + [shared[1]])
            #expect(got.first?.job.priority == .low)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitingCountAddsEveryTypeAndLeavesOutDelayedJobs(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueue([request(.noop), request(.search), routed(to: "w9", .ask), request(.noop, delayMs: 60_000)])
            #expect(try await queue.waitingCount(in: JobType.allCases) == 3)
            #expect(try await queue.waitingCount(in: [.search, .ask]) == 2)
            #expect(try await queue.waitingCount(in: []) == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aDeadWorkersStickyJobsMoveToTheSharedQueueOnceAndLaterOnesFollow(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let running = try await queue.enqueueOne(routed(to: "w2"))
            _ = try #require(try await queue.reserveOne(worker: "w2"))
            let queued = try await queue.enqueue((0..<5).map { _ in routed(to: "w2") }).map(\.id)
            // One leased job and five sticky ones go back.
            #expect(try await queue.requeueLeases(ofWorker: "w2", countingAttempt: true) == 6)
            #expect(try await queue.requeueLeases(ofWorker: "w2", countingAttempt: true) == 0)
            let late = try await queue.enqueueOne(routed(to: "w2"))
            var taken: [JobID] = []
            while let next = try await queue.reserveOne(worker: "w1") {
                taken.append(next.job.id)
                #expect(try await queue.complete(next.lease) == .completed)
            }
            // Each exactly once; the sticky ones oldest first behind the job that was running.
            #expect(taken.count == 7)
            #expect(Set(taken) == Set([running] + queued + [late]))
            #expect(Array(taken.prefix(6)) == [running] + queued)
            #expect(try await queue.waitingCount(in: [.noop]) == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func releasingForADrainLeavesTheRunningLeaseAlone(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueueOne(routed(to: "w2"))
            let running = try #require(try await queue.reserveOne(worker: "w2"))
            let queued = try await queue.enqueueOne(routed(to: "w2"))
            #expect(try await queue.releaseStickyJobs(ofWorker: "w2") == 1)
            #expect(try await queue.reserveOne(worker: "w1")?.job.id == queued)
            #expect(try await queue.complete(running.lease) == .completed)
            await #expect(throws: JobQueueError.self) { _ = try await queue.releaseStickyJobs(ofWorker: "") }
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aCancelledStickyJobLeavesItsQueue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(routed(to: "w2"))
            #expect(try await queue.cancel(id) == .cancelled)
            #expect(try await queue.waitingCount(in: [.noop]) == 0)
            #expect(try await queue.reserveOne(worker: "w2") == nil)
            #expect(try await queue.releaseStickyJobs(ofWorker: "w2") == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aDelayedRoutedJobRunsFromTheSharedQueue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(routed(to: "w2", delayMs: 30))
            _ = try await queue.reserveWhenDue(id, worker: "w1")
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aWaitingWorkerIsWokenByAJobRoutedToIt(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let waiter = Task { try await queue.waitForJobs(in: [.noop], workerID: "w2", timeout: .seconds(20)) }
            try await Task.sleep(for: .milliseconds(50))
            _ = try await queue.enqueueOne(routed(to: "w2"))
            // A timeout answers false: true means the routed job woke it.
            #expect(try await waiter.value)
            #expect(try await queue.reserveOne(worker: "w2") != nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aBadTargetWorkerIsRefusedAndNothingOfTheBatchIsAccepted(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue async throws in
            for bad in ["", "w 2", String(repeating: "w", count: 300)] {
                let error = await #expect(throws: JobQueueError.self) {
                    _ = try await queue.enqueue([request(), routed(to: bad)])
                }
                #expect(error?.code == .invalidRequest)
                #expect(error?.message.contains("targetWorker") == true)
            }
            #expect(try await queue.waitingCount(in: JobType.allCases) == 0)
        }
    }
}
