import DroverQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("Queue contract: failures, retries and the dead-letter queue")
struct QueueContractFailureTests {
    static var fastRetries: QueuePolicy {
        var policy = QueuePolicy()
        policy.retryBaseMs = 100
        policy.retryJitter = 0
        return policy
    }

    @Test(arguments: QueueBackend.allCases)
    func jitterNeverStretchesABackoffPastTheLongest(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        // Ten minutes, so that no job comes back for its retry while the test still reserves.
        policy.retryBaseMs = 600_000
        policy.retryMaxMs = 600_000
        policy.retryJitter = 0.5
        try await withQueue(backend, policy: policy) { queue in
            var delays: [(atLeast: Int64, atMost: Int64)] = []
            for _ in 0..<20 {
                _ = try await queue.enqueueOne(request(retries: 1))
                let (_, lease) = try #require(try await queue.reserveOne())
                let before = nowMs()
                let result = try await queue.fail(lease, "boom")
                let after = nowMs()
                guard case .retryScheduled(let atMs) = result else {
                    Issue.record("a first failure of two attempts should be retried, got \(result)")
                    return
                }
                delays.append((atMs - after, atMs - before))
            }
            #expect(delays.allSatisfy { $0.atLeast <= 600_000 }, "a backoff past the cap: \(delays)")
            // Each draw stays at the cap with odds 1/2, so twenty that all do would mean no jitter at all.
            #expect(delays.contains { $0.atMost < 600_000 }, "no backoff was jittered below the cap: \(delays)")
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func failedJobRunsAgainAfterItsBackoffAndIsDeadAfterTheLastRetry(_ backend: QueueBackend) async throws {
        let policy = Self.fastRetries
        try await withQueue(backend, policy: policy) { queue in
            let id = try await queue.enqueueOne(request(retries: 2))
            var due: Int64 = 0
            for attempt in 1...3 {
                var reserved: (job: Job, lease: JobLease)?
                let found = try await eventually {
                    reserved = try await queue.reserveOne()
                    if reserved != nil {
                        #expect(nowMs() >= due, "attempt \(attempt) was reserved before its backoff ended")
                    }
                    return reserved != nil
                }
                #expect(found)
                let (job, lease) = try #require(reserved)
                #expect(job.id == id)
                #expect(job.attempt == attempt)
                let before = nowMs()
                let result = try await queue.fail(lease, "error \(attempt)")
                let after = nowMs()
                let record = try #require(try await queue.job(id))
                #expect(record.error == "error \(attempt)")
                if attempt < 3 {
                    guard case .retryScheduled(let atMs) = result else {
                        Issue.record("attempt \(attempt) of 3 should be retried, got \(result)")
                        return
                    }
                    let delay = Int64(policy.retryDelayMs(afterAttempt: attempt, unitRandom: 0.5))
                    #expect(atMs >= before + delay - 50 && atMs <= after + delay + 50)
                    due = atMs
                    #expect(record.status == .failed || nowMs() >= atMs)
                    let counts = try await queue.counts(of: .noop)
                    #expect(counts.failed + counts.waiting == 1)
                } else {
                    #expect(result == .dead)
                }
            }
            let dead = try #require(try await queue.job(id))
            #expect(dead.status == .dead)
            #expect(dead.attempts == 3)
            #expect(dead.history.map(\.attempt) == [1, 2, 3])
            #expect(dead.history.map(\.error) == ["error 1", "error 2", "error 3"])
            #expect(dead.history.allSatisfy { $0.workerID == "w1" })
            #expect(dead.finishedAtMs != nil)
            let counts = try await queue.counts(of: .noop)
            #expect(counts.dead == 1 && counts.failed == 0 && counts.waiting == 0 && counts.active == 0)
            #expect(try await queue.deadLetters(of: .noop, limit: 10).map(\.id) == [id])
            #expect(try await queue.reserveOne() == nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func nonRetryableFailureGoesStraightToTheDeadLetterQueue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(retries: 5))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(lease, "bad payload", retryable: false) == .dead)
            let record = try #require(try await queue.job(id))
            #expect(record.status == .dead)
            #expect(record.attempts == 1)
            #expect(record.error == "bad payload")
            #expect(record.history.count == 1)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func jobWithoutRetriesIsDeadAfterItsFirstFailure(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(retries: 0))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(lease) == .dead)
            #expect(try await queue.job(id)?.status == .dead)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func deadJobRetriedByHandRunsAgainWithItsHistoryKept(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request(priority: .high, retries: 0))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.fail(lease, "first life") == .dead)
            #expect(try await queue.retryDeadLetter(id))
            let waiting = try #require(try await queue.job(id))
            #expect(waiting.status == .waiting)
            #expect(waiting.attempts == 0)
            #expect(waiting.history.map(\.error) == ["first life"])
            #expect(try await queue.counts(of: .noop).dead == 0)
            #expect(try await queue.deadLetters(of: .noop, limit: 10).isEmpty)
            // Not dead any more: a second hand retry does nothing.
            #expect(try await queue.retryDeadLetter(id) == false)
            let (job, again) = try #require(try await queue.reserveOne())
            #expect(job.id == id)
            #expect(job.attempt == 1)
            #expect(job.priority == .high)
            #expect(try await queue.complete(again) == .completed)
            #expect(try await queue.job(id)?.status == .completed)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func retryingAJobThatIsNotDeadDoesNothing(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            #expect(try await queue.retryDeadLetter(id) == false)
            #expect(try await queue.job(id)?.status == .waiting)
            let unknown = JobID.generate(for: .noop, millisecondsSinceEpoch: nowMs())
            #expect(try await queue.retryDeadLetter(unknown) == false)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func deadLettersAreListedNewestFirstUpToTheLimit(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            var dead: [JobID] = []
            for index in 0..<3 {
                let id = try await queue.enqueueOne(request(retries: 0))
                let (_, lease) = try #require(try await queue.reserveOne())
                #expect(try await queue.fail(lease, "error \(index)") == .dead)
                dead.append(id)
                // Distinct death times, so "newest" is well defined for any backend.
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await queue.deadLetters(of: .noop, limit: 10).map(\.id) == dead.reversed())
            #expect(try await queue.deadLetters(of: .noop, limit: 2).map(\.id) == [dead[2], dead[1]])
            #expect(try await queue.deadLetters(of: .noop, limit: 0).isEmpty)
            #expect(try await queue.deadLetters(of: .ask, limit: 10).isEmpty)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func purgeDeletesEveryDeadJobOfOneQueue(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            var dead: [JobID] = []
            for _ in 0..<3 {
                let id = try await queue.enqueueOne(request(retries: 0))
                let (_, lease) = try #require(try await queue.reserveOne())
                #expect(try await queue.fail(lease) == .dead)
                dead.append(id)
            }
            let other = try await queue.enqueueOne(request(.ask, retries: 0))
            let (_, otherLease) = try #require(try await queue.reserveOne([.ask]))
            #expect(try await queue.fail(otherLease) == .dead)

            #expect(try await queue.purgeDeadLetters(of: .noop) == 3)
            #expect(try await queue.deadLetters(of: .noop, limit: 10).isEmpty)
            #expect(try await queue.counts(of: .noop).dead == 0)
            for id in dead { #expect(try await queue.job(id) == nil) }
            #expect(try await queue.purgeDeadLetters(of: .noop) == 0)
            #expect(try await queue.job(other)?.status == .dead)
            #expect(try await queue.counts(of: .ask).dead == 1)
        }
    }
}
