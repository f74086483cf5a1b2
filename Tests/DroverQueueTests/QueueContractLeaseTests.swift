import DroverQueue
import DroverTestSupport
import Testing

@Suite("Queue contract: leases, fencing, cancel and requeue")
struct QueueContractLeaseTests {
    static var shortLeases: QueuePolicy {
        var policy = QueuePolicy()
        policy.leaseGraceMs = 50
        return policy
    }

    /// Checks that every write with `lease` is refused as stale.
    func expectStale(_ lease: JobLease, in queue: any JobQueue, _ why: String) async throws {
        #expect(try await queue.complete(lease).refusalCode == .staleLease, "finish \(why)")
        #expect(try await queue.fail(lease).refusalCode == .staleLease, "failure \(why)")
        let progress = await #expect(throws: JobQueueError.self) {
            try await queue.reportProgress(lease, .object(["step": .int(1)]))
        }
        #expect(progress?.code == .staleLease, "progress \(why)")
        let extend = await #expect(throws: JobQueueError.self) {
            _ = try await queue.extend(lease, by: .seconds(30))
        }
        #expect(extend?.code == .staleLease, "extend \(why)")
    }

    @Test(arguments: QueueBackend.allCases)
    func writesWithAWrongTokenAreRefused(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            let (_, lease) = try #require(try await queue.reserveOne())
            let forged = JobLease(jobID: id, workerID: lease.workerID, token: lease.token &+ 1_000, deadlineMs: lease.deadlineMs)
            try await expectStale(forged, in: queue, "with a forged token")
            #expect(try await queue.job(id)?.status == .active)
            #expect(try await queue.complete(lease) == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func writesOfAnUnknownJobAreRefusedAsNotFound(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue async throws in
            let id = JobID.generate(for: .noop, millisecondsSinceEpoch: nowMs())
            let lease = JobLease(jobID: id, workerID: "w1", token: 1, deadlineMs: nowMs() + 60_000)
            #expect(try await queue.job(id) == nil)
            #expect(try await queue.complete(lease).refusalCode == .jobNotFound)
            let progress = await #expect(throws: JobQueueError.self) { try await queue.reportProgress(lease, .null) }
            #expect(progress?.code == .jobNotFound)
            let extend = await #expect(throws: JobQueueError.self) { _ = try await queue.extend(lease, by: .seconds(1)) }
            #expect(extend?.code == .jobNotFound)
            #expect(try await queue.cancel(id) == .notFound)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func progressIsStoredAndExtendMovesTheDeadlineForTheCurrentLease(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(timeoutMs: 1_000))
            let (_, lease) = try #require(try await queue.reserveOne())
            let progress = JSONValue.object(["done": .int(3), "of": .int(10)])
            try await queue.reportProgress(lease, progress)
            #expect(try await queue.job(id)?.progress == progress)
            let before = nowMs()
            let extended = try await queue.extend(lease, by: .seconds(120))
            #expect(extended.token == lease.token)
            #expect(extended.jobID == id)
            #expect(extended.workerID == lease.workerID)
            #expect(extended.deadlineMs >= before + 120_000 - 50)
            #expect(extended.deadlineMs > lease.deadlineMs)
            #expect(try await queue.complete(extended) == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func extendedLeaseOutlivesItsTimeout(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.shortLeases) { queue in
            let id = try await queue.enqueueOne(request(timeoutMs: 50))
            let (_, lease) = try #require(try await queue.reserveOne())
            let extended = try await queue.extend(lease, by: .seconds(60))
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await queue.reapExpiredLeases() == 0)
            #expect(try await queue.reserveOne(worker: "w2") == nil)
            #expect(try await queue.complete(extended) == .completed)
            #expect(try await queue.job(id)?.attempts == 1)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func repeatedAckWithTheCompletingTokenIsAnsweredCompletedAgain(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            let (_, lease) = try #require(try await queue.reserveOne())
            let result = JSONValue.object(["answer": .int(42)])
            #expect(try await queue.complete(lease, result: result) == .completed)
            #expect(try await queue.complete(lease, result: result) == .completed)
            let outcome = JobOutcome(lease: lease, kind: .completed(result: result), durationMicros: 10)
            #expect(try await queue.finish([outcome, outcome]) == [.completed, .completed])
            // Only a repeated completion is accepted; a late failure report is not.
            #expect(try await queue.fail(lease).refusalCode == .staleLease)
            let record = try #require(try await queue.job(id))
            #expect(record.status == .completed)
            #expect(record.result == result)
            #expect(record.attempts == 1)
            #expect(record.history.isEmpty)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func finishAnswersEachOutcomeOfABatchInOrder(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            _ = try await queue.enqueue([request(retries: 0), request(retries: 0), request(retries: 0)])
            let leases = try await queue.reserveRunnable(limit: 3).map(\.lease)
            try #require(leases.count == 3)
            let stale = JobLease(jobID: leases[2].jobID, workerID: "w1", token: leases[2].token &+ 99, deadlineMs: 0)
            let results = try await queue.finish([
                JobOutcome(lease: leases[0], kind: .completed(result: .null), durationMicros: 5),
                JobOutcome(lease: leases[1], kind: .failed(error: "x", retryable: true), durationMicros: 5),
                JobOutcome(lease: stale, kind: .completed(result: .null), durationMicros: 5),
            ])
            #expect(results.count == 3)
            #expect(results[0] == .completed)
            #expect(results[1] == .dead)
            #expect(results[2].refusalCode == .staleLease)
            #expect(try await queue.job(leases[2].jobID)?.status == .active)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func cancelStopsWaitingAndDelayedJobs(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let waiting = try await queue.enqueueOne(request())
            let delayed = try await queue.enqueueOne(request(delayMs: 200))
            #expect(try await queue.cancel(waiting) == .cancelled)
            #expect(try await queue.cancel(delayed) == .cancelled)
            #expect(try await queue.job(waiting)?.status == .cancelled)
            #expect(try await queue.job(delayed)?.status == .cancelled)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await queue.reserveOne() == nil)
            let counts = try await queue.counts(of: .noop)
            #expect(counts.waiting == 0 && counts.delayed == 0 && counts.active == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func cancelOfAnActiveJobRevokesItsLease(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.cancel(id) == .cancelled)
            try await expectStale(lease, in: queue, "after cancel")
            let record = try #require(try await queue.job(id))
            #expect(record.status == .cancelled)
            #expect(record.result == nil)
            #expect(try await queue.counts(of: .noop).active == 0)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func cancelOfAFinishedJobChangesNothing(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.complete(lease) == .completed)
            #expect(try await queue.cancel(id) == .alreadyFinal(.completed))
            #expect(try await queue.job(id)?.status == .completed)
            let other = try await queue.enqueueOne(request())
            #expect(try await queue.cancel(other) == .cancelled)
            #expect(try await queue.cancel(other) == .alreadyFinal(.cancelled))
            let unknown = JobID.generate(for: .noop, millisecondsSinceEpoch: nowMs())
            #expect(try await queue.cancel(unknown) == .notFound)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func requeueWithoutCountingPutsAWorkersJobsBackAtTheFront(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let ids = try await queue.enqueue((0..<4).map { _ in request() }).map(\.id)
            let mine = try await queue.reserveRunnable(worker: "w1", limit: 2)
            #expect(mine.map(\.job.id) == [ids[0], ids[1]])
            let (theirs, theirLease) = try #require(try await queue.reserveOne(worker: "w2"))
            #expect(theirs.id == ids[2])

            #expect(try await queue.requeueLeases(ofWorker: "w1", countingAttempt: false) == 2)
            for (job, lease) in mine {
                let record = try #require(try await queue.job(job.id))
                #expect(record.status == .waiting)
                #expect(record.attempts == 0)
                #expect(record.history.isEmpty)
                try await expectStale(lease, in: queue, "after requeue")
            }
            #expect(try await queue.requeueLeases(ofWorker: "w1", countingAttempt: false) == 0)
            let again = try await queue.reserveRunnable(worker: "w3", limit: 3)
            #expect(again.map(\.job.id) == [ids[0], ids[1], ids[3]])
            #expect(again.map(\.job.attempt) == [1, 1, 1])
            #expect(try await queue.complete(theirLease) == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func requeueCountingTheAttemptRecordsItAndDeadLettersTheLastOne(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(retries: 1))
            let (_, first) = try #require(try await queue.reserveOne(worker: "w1"))
            #expect(try await queue.requeueLeases(ofWorker: "w1", countingAttempt: true) == 1)
            let waiting = try #require(try await queue.job(id))
            #expect(waiting.status == .waiting)
            #expect(waiting.attempts == 1)
            #expect(waiting.history.map(\.error) == ["worker w1 stopped while running attempt 1"])
            #expect(waiting.history.first?.workerID == "w1")
            try await expectStale(first, in: queue, "after a counted requeue")

            let (job, _) = try #require(try await queue.reserveOne(worker: "w2"))
            #expect(job.attempt == 2)
            #expect(try await queue.requeueLeases(ofWorker: "w2", countingAttempt: true) == 1)
            let dead = try #require(try await queue.job(id))
            #expect(dead.status == .dead)
            #expect(dead.history.map(\.attempt) == [1, 2])
            #expect(dead.history.last?.error == "worker w2 stopped while running attempt 2")
            #expect(try await queue.reserveOne() == nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func expiredLeaseIsReapedAndItsHolderFenced(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.shortLeases) { queue in
            let id = try await queue.enqueueOne(request(timeoutMs: 50))
            let (_, lease) = try #require(try await queue.reserveOne(worker: "w1"))
            let reapedAtOnce = try await queue.reapExpiredLeases()
            if nowMs() <= lease.deadlineMs { #expect(reapedAtOnce == 0) }
            var reaped = reapedAtOnce
            let done = try await eventually {
                reaped += try await queue.reapExpiredLeases()
                return reaped >= 1
            }
            #expect(done)
            #expect(reaped == 1)
            let record = try #require(try await queue.job(id))
            #expect(record.status == .waiting)
            #expect(record.attempts == 1)
            #expect(record.history.map(\.error) == ["lease expired (worker w1)"])
            try await expectStale(lease, in: queue, "after the lease expired")
            let (job, again) = try #require(try await queue.reserveOne(worker: "w2"))
            #expect(job.id == id)
            #expect(job.attempt == 2)
            _ = try await queue.extend(again, by: .seconds(60))
            #expect(try await queue.complete(again) == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func reserveReclaimsExpiredLeasesItself(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.shortLeases) { queue in
            let id = try await queue.enqueueOne(request(timeoutMs: 50))
            let (_, lease) = try #require(try await queue.reserveOne(worker: "w1"))
            var taken: (job: Job, lease: JobLease)?
            let found = try await eventually {
                taken = try await queue.reserveOne(worker: "w2")
                return taken != nil
            }
            #expect(found)
            #expect(taken?.job.id == id)
            #expect(taken?.job.attempt == 2)
            #expect(try await queue.complete(lease).refusalCode == .staleLease)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func expiredLeaseOnTheLastAttemptEndsDead(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.shortLeases) { queue in
            let id = try await queue.enqueueOne(request(timeoutMs: 50, retries: 0))
            _ = try #require(try await queue.reserveOne(worker: "w1"))
            var reaped = 0
            let done = try await eventually {
                reaped += try await queue.reapExpiredLeases()
                return reaped >= 1
            }
            #expect(done)
            let record = try #require(try await queue.job(id))
            #expect(record.status == .dead)
            #expect(record.history.map(\.error) == ["lease expired (worker w1)"])
        }
    }
}
