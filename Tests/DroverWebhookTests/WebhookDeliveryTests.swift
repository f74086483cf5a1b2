import DroverJSON
import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import DroverWebhooks
import Logging
import Synchronization
import Testing

/// Webhooks end to end: a real redis-server, jobs finished through the real queue, and a real
/// receiver on loopback (allowed through `allowHosts`, as an operator would list it).
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    func settings(allow: [String] = ["127.0.0.1"], retries: Int = 3) -> WebhookDispatcher.Settings {
        var settings = WebhookDispatcher.Settings(
            policy: WebhookPolicy(allowHosts: allow), retries: retries, timeout: .seconds(10), owner: "test")
        settings.backoff = WebhookBackoff(baseMs: 10, maxMs: 50)
        return settings
    }

    /// A redis-server, a queue on it, and a receiver, all stopped afterwards.
    func withFixture(answering script: [Int] = [], _ body: (RedisServer, RedisJobQueue, WebhookReceiver) async throws -> Void) async throws {
        let server = try await RedisServer()
        let queue = RedisJobQueue(url: server.url)
        let receiver = try await WebhookReceiver.start(answering: script)
        do {
            try await body(server, queue, receiver)
        } catch {
            await receiver.stop()
            await queue.close()
            server.stop()
            throw error
        }
        await receiver.stop()
        await queue.close()
        server.stop()
    }

    /// Enqueues a noop job with `webhook` and finishes it as a worker would: completed, or failed for good.
    func finishJob(_ queue: RedisJobQueue, webhook: String?, fail: Bool = false) async throws -> JobID {
        let request = JobRequest(type: .noop, payload: .object(["query": .string("q \(UInt64.random(in: 0...UInt64.max))")]), retries: 0, webhook: webhook)
        let id = try await queue.enqueue([request])[0].id
        let reserved = try await queue.reserve(from: [.noop], workerID: "w1", limit: 1)
        guard case .runnable(_, let lease)? = reserved.first else { throw TestFailure("no job reserved") }
        let kind: JobOutcome.Kind = fail ? .failed(error: "boom", retryable: false) : .completed(result: .object(["answer": .int(42)]))
        _ = try await queue.finish([JobOutcome(lease: lease, kind: kind, durationMicros: 1_000)])
        return id
    }

    @Test("a completed job's webhook gets {jobId, type, status, result, attempts, finishedAt} once")
    func deliversCompletion() async throws {
        try await withFixture { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let subscribed = Mutex(false)
            let running = Task { try await dispatcher.run { subscribed.withLock { $0 = true } } }
            #expect(await eventually { subscribed.withLock { $0 } })
            let id = try await finishJob(queue, webhook: receiver.url())
            #expect(await eventually { receiver.calls.count == 1 })
            running.cancel()
            await dispatcher.shutdown()
            let call = try #require(receiver.calls.first)
            #expect(call.path == "/hook")
            #expect(call.headers["content-type"] == "application/json")
            #expect(call.headers["x-drover-job-id"] == id.rawValue)
            let body = try JSONValue(parsing: call.body)
            #expect(body["jobId"]?.stringValue == id.rawValue)
            #expect(body["type"]?.stringValue == "noop")
            #expect(body["status"]?.stringValue == "completed")
            #expect(body["result"]?["answer"]?.intValue == 42)
            #expect(body["attempts"]?.intValue == 1)
            let record = try #require(try await queue.job(id))
            #expect(body["finishedAt"]?.intValue == record.finishedAtMs.map { Int($0) })
        }
    }

    @Test("among many finished jobs, only those with a webhook are called, each once")
    func callsOnlyHookedJobs() async throws {
        try await withFixture { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let subscribed = Mutex(false)
            let running = Task { try await dispatcher.run { subscribed.withLock { $0 = true } } }
            #expect(await eventually { subscribed.withLock { $0 } })
            var hooked: Set<String> = []
            for index in 0..<30 {
                let id = try await finishJob(queue, webhook: index % 10 == 3 ? receiver.url("/hook/\(index)") : nil)
                if index % 10 == 3 { hooked.insert(id.rawValue) }
            }
            #expect(await eventually { receiver.calls.count == 3 })
            running.cancel()
            await dispatcher.shutdown()
            #expect(Set(receiver.calls.compactMap { $0.headers["x-drover-job-id"] }) == hooked)
            #expect(receiver.calls.count == 3)
        }
    }

    @Test("a receiver that first answers 500 gets the same body again, after a backoff")
    func retriesAfterServerErrors() async throws {
        try await withFixture(answering: [500, 503]) { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let id = try await finishJob(queue, webhook: receiver.url())
            let outcome = await dispatcher.deliver(JobEvent(id: id, status: .completed))
            await dispatcher.shutdown()
            #expect(outcome == .delivered(status: 200, attempts: 3))
            let calls = receiver.calls
            #expect(calls.count == 3)
            #expect(Set(calls.map(\.body)).count == 1)
            #expect(calls.map { $0.headers["x-drover-delivery-attempt"] } == ["1", "2", "3"])
        }
    }

    @Test("retries run out: the delivery fails after 1 + retries calls")
    func givesUp() async throws {
        try await withFixture(answering: [500, 500, 500, 500]) { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(retries: 2), logger: Logger(label: "test"))
            let id = try await finishJob(queue, webhook: receiver.url())
            let outcome = await dispatcher.deliver(JobEvent(id: id, status: .completed))
            await dispatcher.shutdown()
            guard case .failed(_, let attempts) = outcome else { throw TestFailure("expected failure, got \(outcome)") }
            #expect(attempts == 3)
            #expect(receiver.calls.count == 3)
        }
    }

    @Test("a 4xx answer other than 408/429 is not retried")
    func doesNotRetryClientErrors() async throws {
        try await withFixture(answering: [410]) { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let id = try await finishJob(queue, webhook: receiver.url())
            let outcome = await dispatcher.deliver(JobEvent(id: id, status: .completed))
            await dispatcher.shutdown()
            guard case .failed(_, 1) = outcome else { throw TestFailure("expected one failed attempt, got \(outcome)") }
            #expect(receiver.calls.count == 1)
        }
    }

    @Test("a dead job's webhook carries status dead and the error")
    func deliversDeath() async throws {
        try await withFixture { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let id = try await finishJob(queue, webhook: receiver.url(), fail: true)
            #expect(await dispatcher.deliver(JobEvent(id: id, status: .dead)) == .delivered(status: 200, attempts: 1))
            await dispatcher.shutdown()
            let body = try JSONValue(parsing: try #require(receiver.calls.first).body)
            #expect(body["status"]?.stringValue == "dead")
            #expect(body["error"]?.stringValue == "boom")
            #expect(body["result"] == nil)
        }
    }

    @Test("two supervisors on one Redis see the same event, and only one calls the webhook")
    func claimedOnce() async throws {
        try await withFixture { server, queue, receiver in
            let other = RedisJobQueue(url: server.url)
            let first = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "a"))
            let second = WebhookDispatcher(queue: other, settings: settings(), logger: Logger(label: "b"))
            let id = try await finishJob(queue, webhook: receiver.url())
            let event = JobEvent(id: id, status: .completed)
            async let a = first.deliver(event)
            async let b = second.deliver(event)
            let outcomes = await [a, b]
            await first.shutdown()
            await second.shutdown()
            await other.close()
            #expect(outcomes.filter { $0 == .delivered(status: 200, attempts: 1) }.count == 1)
            #expect(outcomes.contains(.skipped(reason: "claimed by another supervisor")))
            #expect(receiver.calls.count == 1)
        }
    }

    @Test("hosts the policy refuses are never called: loopback not listed, metadata, an unlisted name")
    func refusesHosts() async throws {
        try await withFixture { _, queue, receiver in
            let strict = WebhookDispatcher(queue: queue, settings: settings(allow: []), logger: Logger(label: "test"))
            let listed = WebhookDispatcher(queue: queue, settings: settings(allow: ["127.0.0.1"]), logger: Logger(label: "test"))
            let cases: [(WebhookDispatcher, String)] = [
                (strict, receiver.url()),
                (strict, "http://169.254.169.254/latest/meta-data/"),
                (strict, "http://[fd00:ec2::254]/"),
                (strict, "http://metadata.google.internal/computeMetadata/v1/"),
                (listed, "http://localhost:\(receiver.port)/hook"),
                (listed, "http://169.254.169.254/latest/meta-data/"),
            ]
            for (dispatcher, webhook) in cases {
                let id = try await finishJob(queue, webhook: webhook)
                let outcome = await dispatcher.deliver(JobEvent(id: id, status: .completed))
                guard case .refused = outcome else { throw TestFailure("\(webhook) was not refused: \(outcome)") }
            }
            await strict.shutdown()
            await listed.shutdown()
            #expect(receiver.calls.isEmpty)
        }
    }

    @Test("a job without a webhook, or an event that is not final, calls nothing")
    func skips() async throws {
        try await withFixture { _, queue, receiver in
            let dispatcher = WebhookDispatcher(queue: queue, settings: settings(), logger: Logger(label: "test"))
            let id = try await finishJob(queue, webhook: nil)
            #expect(await dispatcher.deliver(JobEvent(id: id, status: .completed)) == .skipped(reason: "no webhook"))
            let other = try await finishJob(queue, webhook: receiver.url())
            #expect(await dispatcher.deliver(JobEvent(id: other, status: .active)) == .skipped(reason: "not a final state"))
            await dispatcher.shutdown()
            #expect(receiver.calls.isEmpty)
        }
    }
}

/// A failed precondition of a test, with what was found instead.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

