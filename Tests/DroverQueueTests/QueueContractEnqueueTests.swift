import DroverQueue
import Foundation
import Testing

@Suite("Queue contract: enqueue, dedup and validation")
struct QueueContractEnqueueTests {
    /// A dedup window no pause of a loaded machine outlasts, where the window's end is not under test.
    static let windowOutlastingTheTest: QueuePolicy = {
        var policy = QueuePolicy()
        policy.dedupWindowMs = 600_000
        return policy
    }()

    @Test(arguments: QueueBackend.allCases)
    func enqueuedJobIsReservedCompletedAndItsResultReadBack(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let before = nowMs()
            let payload = uniquePayload(["query": .string("what is drover?"), "topK": .int(3)])
            let id = try await queue.enqueueOne(request(.ask, priority: .high, payload: payload, timeoutMs: 5_000, retries: 1))
            #expect(id.type == .ask)
            let waiting = try #require(try await queue.job(id))
            #expect(waiting.status == .waiting)
            #expect(waiting.payload == payload)
            #expect(waiting.priority == .high)
            #expect(waiting.attempts == 0)
            #expect(waiting.retries == 1)
            #expect(waiting.timeoutMs == 5_000)
            #expect(waiting.createdAtMs >= before - 1_000 && waiting.createdAtMs <= nowMs() + 1_000)

            let (job, lease) = try #require(try await queue.reserveOne([.ask], worker: "worker-a"))
            #expect(job.id == id)
            #expect(job.payload == payload)
            #expect(job.attempt == 1)
            #expect(job.priority == .high)
            #expect(job.timeoutMs == 5_000)
            #expect(job.createdAtMicros / 1_000 == waiting.createdAtMs)
            #expect(lease.workerID == "worker-a")
            #expect(lease.jobID == id)
            let active = try #require(try await queue.job(id))
            #expect(active.status == .active)
            #expect(active.workerID == "worker-a")
            #expect(active.attempts == 1)
            #expect(active.startedAtMs != nil)

            let result = JSONValue.object(["answer": .string("a queue"), "citations": .array([])])
            #expect(try await queue.complete(lease, result: result) == .completed)
            let done = try #require(try await queue.job(id))
            #expect(done.status == .completed)
            #expect(done.result == result)
            #expect(done.finishedAtMs != nil)
            #expect(try await queue.reserveOne([.ask]) == nil)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func batchEnqueueKeepsOrderAndAnswersOneReceiptPerRequest(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let requests = (0..<5).map { request(.search, payload: uniquePayload(["n": .int($0)])) }
            let receipts = try await queue.enqueue(requests)
            #expect(receipts.count == 5)
            #expect(receipts.allSatisfy { !$0.duplicate && $0.id.type == .search })
            #expect(Set(receipts.map(\.id)).count == 5)
            for (receipt, sent) in zip(receipts, requests) {
                #expect(try await queue.job(receipt.id)?.payload == sent.payload)
            }
            let reserved = try await queue.reserveRunnable([.search], limit: 5)
            #expect(reserved.map(\.job.id) == receipts.map(\.id))
            #expect(try await queue.enqueue([]).isEmpty)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func equalJobWithinTheDedupWindowReturnsTheFirstJob(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.windowOutlastingTheTest) { queue in
            let payload = uniquePayload(["query": .string("q"), "userId": .string("u1")])
            let first = try await queue.enqueue([request(.ask, payload: payload)])[0]
            #expect(!first.duplicate)
            let second = try await queue.enqueue([request(.ask, payload: payload)])[0]
            #expect(second.duplicate)
            #expect(second.id == first.id)
            // The same payload in one batch is one job too.
            let batch = try await queue.enqueue([request(.ask, payload: payload), request(.ask, payload: payload)])
            #expect(batch.allSatisfy { $0.duplicate && $0.id == first.id })
            #expect(try await queue.counts(of: .ask).waiting == 1)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func dedupReturnsTheFirstJobEvenAfterItFinished(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.windowOutlastingTheTest) { queue in
            let payload = uniquePayload()
            let id = try await queue.enqueueOne(request(payload: payload))
            let (_, lease) = try #require(try await queue.reserveOne())
            #expect(try await queue.complete(lease) == .completed)
            let again = try await queue.enqueue([request(payload: payload)])[0]
            #expect(again == EnqueueReceipt(id: id, duplicate: true))
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func dedupComparesTypeAndTheWholePayload(_ backend: QueueBackend) async throws {
        try await withQueue(backend, policy: Self.windowOutlastingTheTest) { queue in
            let nonce = JSONValue.string(UUID().uuidString)
            let first = try await queue.enqueueOne(request(.ask, payload: .object(["nonce": nonce, "query": .string("q"), "userId": .string("u1")])))
            let otherUser = try await queue.enqueue([request(.ask, payload: .object(["nonce": nonce, "query": .string("q"), "userId": .string("u2")]))])[0]
            let otherType = try await queue.enqueue([request(.search, payload: .object(["nonce": nonce, "query": .string("q"), "userId": .string("u1")]))])[0]
            #expect(!otherUser.duplicate && otherUser.id != first)
            #expect(!otherType.duplicate && otherType.id != first)
            // Equal objects are equal however they were built.
            var members: [String: JSONValue] = [:]
            members["userId"] = .string("u1")
            members["query"] = .string("q")
            members["nonce"] = nonce
            let rebuilt = try await queue.enqueue([request(.ask, payload: .object(members))])[0]
            #expect(rebuilt == EnqueueReceipt(id: first, duplicate: true))
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func equalJobAfterTheDedupWindowIsANewJob(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.dedupWindowMs = 300
        try await withQueue(backend, policy: policy) { queue in
            let payload = uniquePayload()
            let first = try await queue.enqueueOne(request(payload: payload))
            try await Task.sleep(for: .milliseconds(600))
            let second = try await queue.enqueue([request(payload: payload)])[0]
            #expect(!second.duplicate)
            #expect(second.id != first)
            // The window now runs from the second job.
            let third = try await queue.enqueue([request(payload: payload)])[0]
            if third.duplicate { #expect(third.id == second.id) }
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func aDedupWindowOfZeroTurnsDedupOffButNotIdempotencyKeys(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.dedupWindowMs = 0
        try await withQueue(backend, policy: policy) { queue in
            let payload = uniquePayload()
            let receipts = try await queue.enqueue([request(payload: payload), request(payload: payload)])
            #expect(receipts.allSatisfy { !$0.duplicate })
            #expect(Set(receipts.map(\.id)).count == 2)
            let key = "order-" + UUID().uuidString
            let keyed = try await queue.enqueue([request(payload: payload, idempotencyKey: key), request(payload: payload, idempotencyKey: key)])
            #expect(keyed[1] == EnqueueReceipt(id: keyed[0].id, duplicate: true))
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func sameIdempotencyKeyReturnsTheFirstJobWhateverThePayload(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let key = "order-" + UUID().uuidString
            let first = try await queue.enqueueOne(request(.index, idempotencyKey: key))
            let second = try await queue.enqueue([request(.index, idempotencyKey: key)])[0]
            #expect(second == EnqueueReceipt(id: first, duplicate: true))
            // Keys are per queue type.
            let otherType = try await queue.enqueue([request(.ask, idempotencyKey: key)])[0]
            #expect(!otherType.duplicate)
            #expect(otherType.id.type == .ask)
            let otherKey = try await queue.enqueue([request(.index, idempotencyKey: key + "-2")])[0]
            #expect(!otherKey.duplicate)
            #expect(try await queue.counts(of: .index).waiting == 2)
        }
    }

    @Test(arguments: QueueBackend.allCases)
    func idempotencyKeyIsForgottenAfterItsTTL(_ backend: QueueBackend) async throws {
        var policy = QueuePolicy()
        policy.idempotencyTTLMs = 300
        try await withQueue(backend, policy: policy) { queue in
            let key = "k-" + UUID().uuidString
            let first = try await queue.enqueueOne(request(idempotencyKey: key))
            try await Task.sleep(for: .milliseconds(600))
            let later = try await queue.enqueue([request(idempotencyKey: key)])[0]
            #expect(!later.duplicate)
            #expect(later.id != first)
        }
    }

    struct BadField: CustomStringConvertible, Sendable {
        let name: String
        let request: @Sendable () -> JobRequest
        var description: String { name }
    }

    static let badFields: [BadField] = [
        BadField(name: "timeout") { request(timeoutMs: 0) },
        BadField(name: "timeout") { request(timeoutMs: -1) },
        BadField(name: "retries") { request(retries: -1) },
        BadField(name: "retries") { request(retries: 101) },
        BadField(name: "delayMs") { request(delayMs: -5) },
    ]

    @Test(arguments: QueueBackend.allCases, badFields)
    func badRequestIsRefusedAndNothingOfItsBatchIsAccepted(_ backend: QueueBackend, _ bad: BadField) async throws {
        try await withQueue(backend) { queue in
            let good = request()
            let error = await #expect(throws: JobQueueError.self) {
                try await queue.enqueue([good, bad.request()])
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(bad.name) == true, "\(error?.message ?? "")")
            let counts = try await queue.counts(of: .noop)
            #expect(counts.waiting == 0 && counts.delayed == 0)
            #expect(try await queue.reserveOne() == nil)
            // The good request alone is accepted: it was not remembered for dedup either.
            #expect(try await queue.enqueue([good])[0].duplicate == false)
        }
    }
}
