import DroverQueue
import DroverTestSupport
import Testing

@Suite("Queue contract: waiting, events, counts and retention")
struct QueueContractObservationTests {
    @Test(arguments: QueueBackend.allCases)
    func waitForJobsWakesWhenAJobIsEnqueued(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            async let woke = queue.waitForJobs(in: [.search, .noop], timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(100))
            _ = try await queue.enqueueOne(request())
            #expect(try await woke)
            #expect(try await queue.reserveOne() != nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitAndReserveWakesForANewJobWhichIsThenLeasedExactlyOnce(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            async let leased = queue.waitAndReserve(in: [.noop], workerID: "w1", limit: 3, timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(100))
            let id = try await queue.enqueueOne(request())
            // A backend may lease as it wakes, or leave the job to the reserve that follows.
            let first = try await leased.compactMap { reserved -> JobID? in
                if case .runnable(let job, _) = reserved { return job.id }
                return nil
            }
            let rest = try await queue.reserveRunnable(worker: "w1", limit: 3).map(\.job.id)
            #expect(first + rest == [id])
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitForJobsReturnsFalseOnTimeoutWithNothingQueued(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let woke = try await queue.waitForJobs(in: [.noop], timeout: .milliseconds(200))
            #expect(woke == false)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitForJobsReturnsAtOnceWhenAJobIsAlreadyWaiting(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueueOne(request(.batch))
            #expect(try await queue.waitForJobs(in: [.batch], timeout: .seconds(10)))
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitForJobsWakesWhenADelayedJobBecomesDue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(delayMs: 300))
            #expect(try await queue.waitForJobs(in: [.noop], timeout: .seconds(10)))
            _ = try await queue.reserveWhenDue(id)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func waitForJobsWakesWhenADeadJobIsRetriedByHand(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(retries: 0))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(lease) == .dead)
            async let woke = queue.waitForJobs(in: [.noop], timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await queue.retryDeadLetter(id))
            #expect(try await woke)
        }
    }

    /// Reads `stream` until `done` holds for what was read, or `timeout` passes.
    func collect(
        _ stream: AsyncStream<JobEvent>, timeout: Duration = .seconds(10),
        until done: @escaping @Sendable ([JobEvent]) -> Bool
    ) async -> [JobEvent] {
        await withTaskGroup(of: [JobEvent]?.self) { group in
            group.addTask {
                var seen: [JobEvent] = []
                for await event in stream {
                    seen.append(event)
                    if done(seen) { break }
                }
                return seen
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            // Timed out: the reader stops on cancellation and hands back what it saw.
            return (await group.next() ?? nil) ?? []
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func eventsFollowEachJobThroughItsLife(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.retryBaseMs = 60_000
        policy.retryJitter = 0
        try await withQueue(backend, policy: policy) { queue in
            let stream = try await queue.events(of: [.noop])
            let other = try await queue.enqueueOne(request(.ask))
            let completed = try await queue.enqueueOne(request(retries: 0))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.complete(lease) == .completed)
            let retried = try await queue.enqueueOne(request(retries: 1))
            let (_, retriedLease) = try #require(try await queue.reserveOne())
            _ = try await queue.fail(retriedLease)
            let dead = try await queue.enqueueOne(request(retries: 0))
            let (_, deadLease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(deadLease) == .dead)
            let delayed = try await queue.enqueueOne(request(delayMs: 60_000))
            #expect(try await queue.cancel(delayed) == .cancelled)

            let expected: [JobID: [JobStatus]] = [
                completed: [.waiting, .active, .completed],
                retried: [.waiting, .active, .failed],
                dead: [.waiting, .active, .dead],
                delayed: [.delayed, .cancelled],
            ]
            let events = await collect(stream) { seen in
                seen.filter { $0.id == delayed }.count >= 2
            }
            for (id, statuses) in expected {
                #expect(events.filter { $0.id == id }.map(\.status) == statuses, "events of \(id)")
            }
            #expect(!events.contains { $0.id == other }, "an ask job's events reached a noop subscriber")
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aSubscriberToSomeStatusesHearsOnlyThose(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let stream = try await queue.events(of: [.noop], statuses: JobStatus.finalStatuses)
            let ids = try await queue.enqueue([request(retries: 0), request(retries: 0)]).map(\.id)
            let leases = try await queue.reserveRunnable(limit: 2).map(\.lease)
            #expect(leases.count == 2)
            #expect(try await queue.complete(leases[0]) == .completed)
            #expect(try await queue.fail(leases[1]) == .dead)
            let events = await collect(stream) { $0.count >= 2 }
            #expect(Set(events) == [JobEvent(id: ids[0], status: .completed), JobEvent(id: ids[1], status: .dead)])
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aSubscriptionToNoStatusOrNoTypeEndsAtOnce(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            for stream in [try await queue.events(of: [.noop], statuses: []), try await queue.events(of: [], statuses: JobStatus.finalStatuses)] {
                // Ended, not just quiet: reading it to the end returns, well before the timeout.
                let ended = await withTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        for await _ in stream {}
                        return !Task.isCancelled
                    }
                    group.addTask {
                        try? await Task.sleep(for: .seconds(10))
                        return false
                    }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                #expect(ended)
            }
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func webhookEventsCarryOnlyTheCompletedAndDeadJobsThatHaveAWebhook(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let stream = try await queue.webhookEvents(of: [.noop])
            func hooked(retries: Int = 2) -> JobRequest {
                var job = request(retries: retries)
                job.webhook = "https://hooks.example.com/drover"
                return job
            }
            // Reserved one at a time, so each lease's job is known.
            let completedWithHook = try await queue.enqueue([hooked()])[0].id
            try #require(try await queue.complete(try #require(try await queue.reserveRunnable(limit: 1).first?.lease)) == .completed)
            let completedWithout = try await queue.enqueue([request()])[0].id
            try #require(try await queue.complete(try #require(try await queue.reserveRunnable(limit: 1).first?.lease)) == .completed)
            let deadWithHook = try await queue.enqueue([hooked(retries: 0)])[0].id
            try #require(try await queue.fail(try #require(try await queue.reserveRunnable(limit: 1).first?.lease)) == .dead)
            let cancelledWithHook = try await queue.enqueue([hooked()])[0].id
            try #require(try await queue.cancel(cancelledWithHook) == .cancelled)
            let deadWithWorker = try await queue.enqueue([hooked(retries: 0)])[0].id
            try #require(try await queue.reserveRunnable(worker: "w-lost").count == 1)
            try #require(try await queue.requeueLeases(ofWorker: "w-lost", countingAttempt: true) == 1)
            // The last one: every event of the jobs before it was published before its own.
            let last = try await queue.enqueue([hooked()])[0].id
            try #require(try await queue.complete(try #require(try await queue.reserveRunnable(limit: 1).first?.lease)) == .completed)

            let events = await collect(stream) { $0.contains { $0.id == last } }
            #expect(events == [
                JobEvent(id: completedWithHook, status: .completed),
                JobEvent(id: deadWithHook, status: .dead),
                JobEvent(id: deadWithWorker, status: .dead),
                JobEvent(id: last, status: .completed),
            ])
            #expect(!events.contains { $0.id == completedWithout || $0.id == cancelledWithHook })
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aConclusionIsTheStatusResultAndErrorOfTheRecord(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let ids = try await queue.enqueue([request(retries: 0), request(retries: 0), request()]).map(\.id)
            let leases = try await queue.reserveRunnable(limit: 2).map(\.lease)
            let result = JSONValue.object(["answer": .string("42")])
            #expect(try await queue.complete(leases[0], result: result) == .completed)
            #expect(try await queue.fail(leases[1], "out of luck") == .dead)
            for id in ids {
                let record = try #require(try await queue.job(id))
                #expect(try await queue.conclusion(of: id) == JobConclusion(status: record.status, result: record.result, error: record.error))
            }
            #expect(try await queue.conclusion(of: ids[0])?.result == result)
            #expect(try await queue.conclusion(of: ids[1])?.error?.contains("out of luck") == true)
            #expect(try await queue.conclusion(of: ids[2]) == JobConclusion(status: .waiting, result: nil, error: nil))
            #expect(try await queue.conclusion(of: JobID.generate(for: .noop, millisecondsSinceEpoch: 1)) == nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func conclusionsOfSeveralJobsComeBackInTheOrderAskedWithNilForUnknownOnes(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let ids = try await queue.enqueue([request(retries: 0), request()]).map(\.id)
            let lease = try #require(try await queue.reserveRunnable(limit: 1).first?.lease)
            #expect(try await queue.complete(lease, result: .int(7)) == .completed)
            let unknown = JobID.generate(for: .noop, millisecondsSinceEpoch: 1)
            let waiting = try #require(ids.first { $0 != lease.jobID })
            let asked = [waiting, unknown, lease.jobID, waiting]
            let found = try await queue.conclusions(of: asked)
            #expect(found.count == asked.count)
            #expect(found[0] == JobConclusion(status: .waiting, result: nil, error: nil))
            #expect(found[1] == nil)
            #expect(found[2] == JobConclusion(status: .completed, result: .int(7), error: nil))
            #expect(found[3] == found[0])
            #expect(try await queue.conclusions(of: []).isEmpty)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func countsReflectEachState(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.retryBaseMs = 60_000
        policy.retryJitter = 0
        try await withQueue(backend, policy: policy) { queue in
            #expect(try await queue.counts(of: .noop) == QueueCounts())
            _ = try await queue.enqueue((0..<5).map { _ in request() })
            _ = try await queue.enqueueOne(request(delayMs: 60_000))
            let leases = try await queue.reserveRunnable(limit: 4).map(\.lease)
            try #require(leases.count == 4)
            #expect(try await queue.complete(leases[0], micros: 4_000) == .completed)
            guard case .retryScheduled = try await queue.fail(leases[1], micros: 4_000) else {
                Issue.record("expected a scheduled retry")
                return
            }
            #expect(try await queue.fail(leases[2], retryable: false, micros: 4_000) == .dead)

            let counts = try await queue.counts(of: .noop)
            #expect(counts.waiting == 1)
            #expect(counts.active == 1)
            #expect(counts.completed == 1)
            #expect(counts.failed == 1)
            #expect(counts.delayed == 1)
            #expect(counts.dead == 1)
            #expect(abs(counts.averageProcessingMs - 4.0) < 0.001)
            #expect(counts.throughputPerMinute >= 0)
            let untouched = try await queue.counts(of: .ask)
            #expect(untouched.waiting == 0 && untouched.completed == 0 && untouched.averageProcessingMs == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func completedAndCancelledJobsAreForgottenAfterTheirRetention(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.completedRetentionMs = 200
        try await withQueue(backend, policy: policy) { queue in
            let id = try await queue.enqueueOne(request())
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.complete(lease) == .completed)
            if let record = try await queue.job(id) { #expect(record.status == .completed) }
            let cancelled = try await queue.enqueueOne(request())
            #expect(try await queue.cancel(cancelled) == .cancelled)
            let gone = try await eventually {
                let completedCount = try await queue.counts(of: .noop).completed
                let jobGone = try await queue.job(id) == nil
                let cancelledGone = try await queue.job(cancelled) == nil
                return completedCount == 0 && jobGone && cancelledGone
            }
            #expect(gone)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func deadJobsAreForgottenAfterTheirRetention(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.deadRetentionMs = 200
        try await withQueue(backend, policy: policy) { queue in
            let id = try await queue.enqueueOne(request(retries: 0))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(lease) == .dead)
            let gone = try await eventually {
                let deadCount = try await queue.counts(of: .noop).dead
                let jobGone = try await queue.job(id) == nil
                return deadCount == 0 && jobGone
            }
            #expect(gone)
            #expect(try await queue.deadLetters(of: .noop, limit: 10).isEmpty)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func onlyTheNewestCompletedJobsAreKeptBeyondTheRetentionCount(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.retentionCount = 3
        try await withQueue(backend, policy: policy) { queue in
            var finished: [JobID] = []
            for _ in 0..<5 {
                let id = try await queue.enqueueOne(request())
                let (_, lease) = try #require(try await queue.reserveOne())
                #expect(try await queue.complete(lease) == .completed)
                finished.append(id)
                // Distinct finish times, so "newest" is well defined for any backend.
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await queue.counts(of: .noop).completed == 3)
            for id in finished.prefix(2) { #expect(try await queue.job(id) == nil) }
            for id in finished.suffix(3) { #expect(try await queue.job(id)?.status == .completed) }
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func onlyTheNewestDeadJobsAreKeptBeyondTheRetentionCount(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.retentionCount = 2
        try await withQueue(backend, policy: policy) { queue in
            var dead: [JobID] = []
            for _ in 0..<4 {
                let id = try await queue.enqueueOne(request(retries: 0))
                let (_, lease) = try #require(try await queue.reserveOne())
                #expect(try await queue.fail(lease) == .dead)
                dead.append(id)
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await queue.counts(of: .noop).dead == 2)
            #expect(try await queue.deadLetters(of: .noop, limit: 10).map(\.id) == [dead[3], dead[2]])
        }
    }
}
