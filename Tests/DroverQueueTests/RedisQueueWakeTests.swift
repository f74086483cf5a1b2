import DroverQueue
import Testing

/// A Redis worker waits on one marker and sleeps no longer than the next due date it knows; these
/// check that work scheduled for later, after it started waiting, still reaches it.
@Suite("Redis queue: waking waiting workers for scheduled work")
struct RedisQueueWakeTests {
    @Test func waitingWorkerWakesForANewDelayedJobAndThenWaitsOnlyUntilItIsDue() async throws {
        try await withQueue(.redis) { queue in
            // An empty queue: the reserve records "nothing scheduled" for the wait that follows.
            let nothing = try await queue.reserveOne()
            #expect(nothing == nil)
            async let woke = queue.waitForJobs(in: [.noop], timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(100))
            let id = try await queue.enqueueOne(request(delayMs: 500))
            // Without the wake-up this wait would run its 30 s and answer false (nothing was due).
            #expect(try await woke)

            if let early = try await queue.reserveOne() {
                // On a slow machine the job may already be due here; then this reserve got it.
                #expect(early.job.id == id)
            } else {
                // This reserve saw the due date, so the wait ends when the job falls due, not at its timeout.
                #expect(try await queue.waitForJobs(in: [.noop], timeout: .seconds(30)))
                _ = try await queue.reserveWhenDue(id)
            }
        }
    }

    @Test func waitingWorkerWakesWhenAFailedJobIsScheduledForRetry() async throws {
        try await withQueue(.redis) { queue in
            _ = try await queue.enqueueOne(request(retries: 1))
            let (_, lease) = try #require(try await queue.reserveOne())
            // Takes the wake-up the enqueue left behind, so the next wait really blocks.
            _ = try await queue.waitForJobs(in: [.noop], timeout: .milliseconds(200))
            async let woke = queue.waitForJobs(in: [.noop], timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(100))
            let result = try await queue.fail(lease)
            guard case .retryScheduled = result else {
                Issue.record("expected a retry to be scheduled, got \(result)")
                return
            }
            #expect(try await woke)
        }
    }

    @Test func waitWithoutAFreshReserveStillFindsTheNextDueDate() async throws {
        try await withQueue(.redis) { queue in
            let id = try await queue.enqueueOne(request(delayMs: 400))
            // Takes the enqueue's wake-up; no reserve ran, so the due date is read from Redis.
            _ = try await queue.waitForJobs(in: [.noop], timeout: .milliseconds(100))
            #expect(try await queue.waitForJobs(in: [.noop], timeout: .seconds(30)))
            _ = try await queue.reserveWhenDue(id)
        }
    }

    @Test func aJobThatWakesAWaitingWorkerComesBackLeasedToItUpToTheLimit() async throws {
        try await withQueue(.redis) { queue in
            #expect(try await queue.reserveOne() == nil)
            async let leased = queue.waitAndReserve(in: [.search, .noop], workerID: "w1", limit: 2, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(100))
            let ids = try await queue.enqueue([request(), request(), request()]).map(\.id)
            let jobs = try await leased
            // Woken by the enqueue and leased in the same step, no more than the limit.
            #expect(jobs.count == 2)
            var taken: [JobID] = []
            for reserved in jobs {
                guard case .runnable(let job, let lease) = reserved else {
                    Issue.record("unexpected malformed job")
                    continue
                }
                #expect(lease.workerID == "w1")
                #expect(try await queue.job(job.id)?.status == .active)
                taken.append(job.id)
            }
            // The third is left for the next reserve, and nothing was leased twice.
            let rest = try await queue.reserveRunnable(worker: "w1", limit: 3).map(\.job.id)
            #expect(Set(taken + rest) == Set(ids))
            #expect(taken.count + rest.count == ids.count)
        }
    }

    @Test func aWaitAndReserveThatTimesOutLeasesNothing() async throws {
        try await withQueue(.redis) { queue in
            let jobs = try await queue.waitAndReserve(in: [.noop], workerID: "w1", limit: 3, timeout: .milliseconds(200))
            #expect(jobs.isEmpty)
            #expect(try await queue.counts(of: .noop).active == 0)
        }
    }
}
