import DroverQueue
import DroverRedisQueue
import DroverTestSupport
import Testing

@Suite("Queue contract: one-time claims")
struct QueueContractClaimTests {
    @Test("the first claim of a purpose wins and every later one loses", arguments: QueueBackend.allCases)
    func firstClaimWins(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            #expect(try await queue.claimOnce(id, purpose: "webhook:completed:1", owner: "a"))
            #expect(try await queue.claimOnce(id, purpose: "webhook:completed:1", owner: "b") == false)
            #expect(try await queue.claimOnce(id, purpose: "webhook:completed:1", owner: "a") == false)
        }
    }

    @Test("claims of other purposes or other jobs are separate", arguments: QueueBackend.allCases)
    func purposesAreSeparate(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let first = try await queue.enqueueOne(request())
            let second = try await queue.enqueueOne(request())
            #expect(try await queue.claimOnce(first, purpose: "webhook:completed:1", owner: "a"))
            #expect(try await queue.claimOnce(first, purpose: "webhook:dead:2", owner: "a"))
            #expect(try await queue.claimOnce(second, purpose: "webhook:completed:1", owner: "a"))
        }
    }

    @Test("of many concurrent claimers exactly one wins", arguments: QueueBackend.allCases)
    func concurrentClaimers(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for owner in 0..<20 {
                    group.addTask { try await queue.claimOnce(id, purpose: "p", owner: "owner-\(owner)") }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test("an empty purpose or owner is refused as an invalid request", arguments: QueueBackend.allCases)
    func refusesEmptyNames(_ backend: QueueBackend) async throws {
        try await withQueue(backend) { queue in
            let id = try await queue.enqueueOne(request())
            for (purpose, owner) in [("", "a"), ("p", "")] {
                await #expect(throws: JobQueueError.self) { try await queue.claimOnce(id, purpose: purpose, owner: owner) }
            }
        }
    }

    @Test("two Redis queues on one server (two hosts) share claims")
    func claimsAcrossRedisClients() async throws {
        let server = try await RedisServer()
        let hostA = RedisJobQueue(url: server.url)
        let hostB = RedisJobQueue(url: server.url)
        let id = try await hostA.enqueueOne(request())
        let a = try await hostA.claimOnce(id, purpose: "webhook:completed:1", owner: "host-a")
        let b = try await hostB.claimOnce(id, purpose: "webhook:completed:1", owner: "host-b")
        await hostA.close()
        await hostB.close()
        server.stop()
        #expect(a && !b)
    }
}
