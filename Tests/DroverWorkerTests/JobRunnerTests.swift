import DroverPosix
import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import DroverWorker
import Testing

@Suite("Worker job loop, against a real redis-server")
struct JobRunnerTests {
    @Test func runsEveryJobAndEchoesNoopPayloads() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let ids = try await queue.enqueue((0..<50).map { noop(index: $0) }).map(\.id)
        let worker = RunningWorker.start(queue: queue)
        try await eventually("all jobs completed") { try await statuses(queue, ids).allSatisfy { $0 == .completed } }
        await worker.stop()
        let record = try #require(try await queue.job(ids[7]))
        #expect(record.result?["i"] == .int(7))
        #expect(record.attempts == 1)
        #expect(worker.runner.stats.snapshot.completedJobs == 50)
    }

    @Test func neverRunsOrLeasesMoreJobsAtOnceThanItsConcurrency() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let probe = ConcurrencyProbe(sleep: .milliseconds(30), queue: queue)
        let ids = try await queue.enqueue((0..<30).map { noop(index: $0) }).map(\.id)
        let worker = RunningWorker.start(queue: queue, concurrency: 3, handlers: [.noop: probe])
        try await eventually("all jobs completed") { try await statuses(queue, ids).allSatisfy { $0 == .completed } }
        await worker.stop()
        #expect(probe.most <= 3)
        #expect(probe.most >= 1)
        #expect(probe.mostLeased <= 3, "the worker held more leases than it has slots")
        #expect(probe.mostLeased >= 1)
    }

    @Test func jobPastItsTimeoutIsCancelledAndCountsAsAFailedAttempt() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        // A lease that outlives any stall of a loaded machine: the timeout, not the reaper, must end the job.
        var policy = QueuePolicy()
        policy.leaseGraceMs = 600_000
        let queue = RedisJobQueue(url: redis.url, policy: policy)
        let id = try await queue.enqueue([noop(sleepMs: 60_000, timeoutMs: 100, retries: 0)])[0].id
        let worker = RunningWorker.start(queue: queue)
        try await eventually("job dead") { try await queue.job(id)?.status == .dead }
        await worker.stop()
        let record = try #require(try await queue.job(id))
        #expect(record.error == "timed out after 100 ms")
        #expect(record.history.count == 1)
        #expect(record.history.first?.workerID == "test-worker")
    }

    @Test func cancellingARunningJobStopsItsHandlerAndFreesItsSlot() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let probe = CancellationProbe()
        let worker = RunningWorker.start(queue: queue, concurrency: 1, handlers: [.noop: probe])
        try await expectCancelFreesTheSlot(queue: queue, worker: worker, probe: probe)
    }

    @Test func cancellingARunningJobStopsItsHandlerInSingleMode() async throws {
        let queue = InMemoryJobQueue()
        let probe = CancellationProbe()
        let worker = RunningWorker.start(queue: queue, concurrency: 1, handlers: [.noop: probe])
        try await expectCancelFreesTheSlot(queue: queue, worker: worker, probe: probe)
    }

    @Test func unreadableStoredJobGoesToTheDeadLetterQueueAndTheWorkerKeepsRunning() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let bad = try await queue.enqueue([noop(index: 1)])[0].id
        // Corrupt the stored payload behind the queue's back, as a bad deploy or a hand edit might.
        let raw = RedisClient(url: redis.url)
        _ = try await raw.send(["HSET", "drover:{rag:noop}:job:\(bad.rawValue)", "pl", "{not json"])
        await raw.close()
        let worker = RunningWorker.start(queue: queue)
        try await eventually("bad job dead") { try await queue.job(bad)?.status == .dead }
        let good = try await queue.enqueue([noop(index: 2)])[0].id
        try await eventually("good job completed") { try await queue.job(good)?.status == .completed }
        await worker.stop()
        let record = try #require(try await queue.job(bad))
        #expect(record.error?.contains("not valid JSON") == true)
        #expect(try await queue.deadLetters(of: .noop, limit: 10).map(\.id) == [bad])
    }

    @Test func drainFinishesRunningJobsAndReservesNoMore() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        // Long enough that no job finishes (and frees a slot) before a loaded machine delivers the drain.
        let running = try await queue.enqueue((0..<3).map { noop(sleepMs: 6_000, index: $0) }).map(\.id)
        let worker = RunningWorker.start(queue: queue, concurrency: 3)
        try await eventually("three jobs active") { try await queue.counts(of: .noop).active == 3 }
        worker.runner.drain()
        let later = try await queue.enqueue([noop(index: 99)])[0].id
        await worker.task.value
        #expect(try await statuses(queue, running) == [.completed, .completed, .completed])
        #expect(try await queue.job(later)?.status == .waiting)
    }

    @Test func killedWorkerProcessLosesNoJobOnceItsLeasesArePutBack() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        // Jobs far longer than any stall of a loaded machine, so the victim is certain to hold
        // three leases, and nothing else, when it dies; the rescuer's handler returns at once.
        let long = NoopHandler.maxSleepMs
        let ids = try await queue.enqueue((0..<6).map { noop(sleepMs: long, index: $0, timeoutMs: 2 * long) }).map(\.id)
        let victim = try await ChildProcess.run(try DroverExecutable.path, [
            "worker", "--redis", redis.urlString, "--worker-id", "victim", "--concurrency", "3", "--queues", "rag:noop",
        ])
        defer { victim.stop() }
        try await eventually("victim holds three leases") { try await queue.counts(of: .noop).active == 3 }
        try victim.kill(.sigkill)
        _ = try await victim.wait()
        // What the supervisor does the moment it sees the exit.
        #expect(try await queue.requeueLeases(ofWorker: "victim", countingAttempt: true) == 3)
        #expect(try await queue.counts(of: .noop).waiting == 6)
        let rescuer = RunningWorker.start(
            queue: queue, id: "rescuer", concurrency: 6, handlers: [.noop: ConcurrencyProbe(sleep: .zero, queue: queue)])
        try await eventually("every job completed") { try await statuses(queue, ids).allSatisfy { $0 == .completed } }
        await rescuer.stop()
        var retried = 0
        for id in ids {
            let record = try #require(try await queue.job(id))
            if record.attempts == 2 {
                retried += 1
                #expect(record.history.first?.error.contains("worker victim stopped") == true)
            } else {
                #expect(record.attempts == 1)
            }
        }
        #expect(retried == 3)
        #expect(try await completedBy("rescuer", queue, ids) == 6)
    }

    @Test func aJobLeasedAgainWhileItsFirstAttemptStillRunsIsReportedOnceForEachAttempt() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        let id = try await queue.enqueue([noop(sleepMs: 1_500, index: 0)])[0].id
        let worker = RunningWorker.start(queue: queue, concurrency: 2)
        try await eventually("first attempt running") { try await queue.job(id)?.status == .active }
        // What a supervisor does for a worker it believes gone; this one is alive and gets the job
        // back while the first attempt still runs: a stalled worker's experience.
        #expect(try await queue.requeueLeases(ofWorker: "test-worker", countingAttempt: false) == 1)
        try await eventually("job completed") { try await queue.job(id)?.status == .completed }
        // Each attempt reported its outcome, so the drain has nothing left to wait for.
        let stopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await worker.stop(); return true }
            group.addTask { try? await Task.sleep(for: .seconds(60)); return false }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        #expect(stopped, "the drain waited for an outcome that was never reported")
        #expect(worker.runner.stats.snapshot.completedJobs == 2)
    }

    @Test func afterStopLeasingAHandBackIsFinalEvenWithABlockingWaitOutstanding() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let queue = RedisJobQueue(url: redis.url)
        // Two long jobs in three slots: the worker holds two leases and waits, blocked, for a third.
        let ids = try await queue.enqueue((0..<2).map { noop(sleepMs: 30_000, index: $0) }).map(\.id)
        let worker = RunningWorker.start(queue: queue, concurrency: 3)
        try await eventually("two jobs active") { try await queue.counts(of: .noop).active == 2 }
        await worker.runner.stopLeasing()
        // The hand-back wakes waiting workers. Without stopLeasing, this worker's own wait woke and
        // leased one of the two jobs straight back.
        #expect(try await queue.requeueLeases(ofWorker: "test-worker", countingAttempt: false) == 2)
        let more = try await queue.enqueue([noop(index: 2)])[0].id
        // Longer than the worker's wait timeout (200 ms): any wait it had outstanding is over.
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await queue.leaseCounts(ofWorkers: ["test-worker"]) == [0])
        #expect(try await statuses(queue, ids + [more]) == [.waiting, .waiting, .waiting])
        // The first attempts still run here; end them so the drained loop returns.
        for id in ids { worker.runner.cancel(id.rawValue, reason: "the test is over") }
        await worker.task.value
    }

    @Test func redisRestartedMidRunLosesNoAcceptedJob() async throws {
        let redis = try await RedisServer(appendOnly: true)
        defer { redis.stop() }
        var policy = QueuePolicy()
        // A lease whose reply died with the server is reclaimed quickly in this test.
        policy.leaseGraceMs = 500
        // A loaded machine can let a lease this short run out, or a job overrun its 1 s, which
        // costs an attempt each time; so attempts are many and retries quick, and what is checked
        // is that no job is lost, not how often one ran.
        policy.retryBaseMs = 50
        policy.retryMaxMs = 500
        let queue = RedisJobQueue(url: redis.url, policy: policy)
        let ids = try await queue.enqueue((0..<100).map { noop(sleepMs: 20, index: $0, timeoutMs: 1_000, retries: 10) }).map(\.id)
        let worker = RunningWorker.start(queue: queue, concurrency: 5)
        try await eventually("some jobs done") { try await queue.counts(of: .noop).completed >= 10 }
        redis.kill()
        try await redis.restart()
        let allCompleted = await eventually(timeout: .seconds(60)) {
            (try? await statuses(queue, ids))?.allSatisfy { $0 == .completed } ?? false
        }
        if !allCompleted {
            var seen: [String: Int] = [:]
            for id in ids { seen[try await queue.job(id)?.status.rawValue ?? "missing", default: 0] += 1 }
            Issue.record("not every job completed: \(seen)")
        }
        await worker.stop()
        #expect(try await queue.counts(of: .noop).completed == 100)
    }
}

/// How many of `ids` completed on `worker`.
func completedBy(_ worker: String, _ queue: any JobQueue, _ ids: [JobID]) async throws -> Int {
    var count = 0
    for id in ids {
        if let record = try await queue.job(id), record.status == .completed, record.workerID == worker { count += 1 }
    }
    return count
}

/// Cancels a job whose handler would otherwise hold the worker's only slot for ten minutes, and
/// expects the next job to run in that slot, with nothing counted as completed or failed for the
/// cancelled one. The cancel comes as soon as the job runs: the worker listens before it reserves.
private func expectCancelFreesTheSlot(queue: any JobQueue, worker: RunningWorker, probe: CancellationProbe) async throws {
    let long = try await queue.enqueue([noop(sleepMs: NoopHandler.maxSleepMs, timeoutMs: 2 * NoopHandler.maxSleepMs)])[0].id
    try await eventually("job running") { worker.runner.runningJobIDs == [long] }
    #expect(try await queue.cancel(long) == .cancelled)
    let next = try await queue.enqueue([noop(index: 1)])[0].id
    try await eventually("the next job ran in the freed slot") { try await queue.job(next)?.status == .completed }
    // The slot is freed only once the handler has returned, so by now it was cut short.
    #expect(probe.stoppedCount == 1)
    await worker.stop()
    #expect(try await queue.job(long)?.status == .cancelled)
    let stats = worker.runner.stats.snapshot
    #expect(stats.completedJobs == 1)
    #expect(stats.failedJobs == 0)
    #expect(stats.activeJobs == 0)
}
