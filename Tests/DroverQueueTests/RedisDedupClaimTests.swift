import DroverQueue
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Testing

/// The Redis queue files dedup claims in one hash per window-long bucket of server time; these
/// tests edit the claims behind the queue's back, as a clock step, a bad deploy or a hand edit might.
///
/// The window is 10^12 ms, so every run falls in bucket 1 (2001 to 2033) and no bucket boundary
/// can pass during a test.
@Suite("Redis queue: dedup claims in time buckets")
struct RedisDedupClaimTests {
    static let window = 1_000_000_000_000
    static let prefix = "drover:{rag:noop}:dedup:\(window):"

    /// Runs `body` with a queue whose dedup window is `window`, and a raw client to its server.
    func withQueue(_ body: (RedisJobQueue, RedisClient) async throws -> Void) async throws {
        var policy = QueuePolicy()
        policy.dedupWindowMs = Self.window
        try await withRedisQueue(policy: policy, body)
    }

    /// The only claim there is: its shard of the current bucket, its digest and its `<claim ms> <id>` value.
    func onlyClaim(_ raw: RedisClient) async throws -> (shard: String, digest: String, value: String) {
        let keys = try #require(try await raw.send(["KEYS", Self.prefix + "*"]).array).compactMap(\.string)
        try #require(keys.count == 1, "\(keys)")
        let shard = String(try #require(keys[0].split(separator: ":").last))
        #expect(keys[0] == Self.prefix + "1:" + shard)
        var fields = try #require(try await raw.send(["HGETALL", keys[0]]).array).compactMap(\.string)
        // Besides the claims, a shard holds the mark `~` that it was made, with its expiry.
        let mark = try #require(fields.firstIndex(of: "~"))
        #expect(mark % 2 == 0 && fields[mark + 1] == "1")
        fields.removeSubrange(mark...mark + 1)
        try #require(fields.count == 2, "\(fields)")
        let digest = fields[0]
        // Sharded by the digest's first byte, mod 4.
        #expect(digest.count == 40 && digest.utf8.first.map { String($0 % 4) } == shard)
        return (shard, digest, fields[1])
    }

    @Test func aClaimCountsOnlyWhileItsTimeIsInsideTheWindow() async throws {
        try await withQueue { queue, raw in
            let payload = uniquePayload()
            let first = try await queue.enqueueOne(request(payload: payload))
            let claim = try await onlyClaim(raw)
            let parts = claim.value.split(separator: " ")
            #expect(parts.count == 2 && parts[1] == first.rawValue, "\(claim.value)")
            let claimedAt = try #require(Int(parts[0]))
            // The bucket goes by itself one bucket after its own ends.
            let ttl = try #require(try await raw.send(["PTTL", Self.prefix + "1:" + claim.shard]).int)
            #expect(ttl > 0)

            // A claim one window old has lapsed: the payload is a new job, and the new job claims it.
            _ = try await raw.send(["HSET", Self.prefix + "1:" + claim.shard, claim.digest, "\(claimedAt - Self.window) \(first.rawValue)"])
            let second = try await queue.enqueue([request(payload: payload)])[0]
            #expect(!second.duplicate && second.id != first)
            let third = try await queue.enqueue([request(payload: payload)])[0]
            #expect(third == EnqueueReceipt(id: second.id, duplicate: true))
        }
    }

    @Test func aClaimInThePreviousBucketCountsWhileInsideTheWindow() async throws {
        try await withQueue { queue, raw in
            let payload = uniquePayload()
            let first = try await queue.enqueueOne(request(payload: payload))
            let claim = try await onlyClaim(raw)
            _ = try await raw.send(["RENAME", Self.prefix + "1:" + claim.shard, Self.prefix + "0:" + claim.shard])
            let again = try await queue.enqueue([request(payload: payload)])[0]
            #expect(again == EnqueueReceipt(id: first, duplicate: true))
            // Lapsed there, it no longer counts.
            let claimedAt = try #require(claim.value.split(separator: " ").first.flatMap { Int($0) })
            _ = try await raw.send(["HSET", Self.prefix + "0:" + claim.shard, claim.digest, "\(claimedAt - Self.window) \(first.rawValue)"])
            let fresh = try await queue.enqueue([request(payload: payload)])[0]
            #expect(!fresh.duplicate && fresh.id != first)
        }
    }

    @Test func aGarbledClaimIsNoClaimAndTheEnqueueStillLands() async throws {
        try await withQueue { queue, raw in
            let payload = uniquePayload()
            let first = try await queue.enqueueOne(request(payload: payload))
            let claim = try await onlyClaim(raw)
            for garbage in ["", "no-space-here", "not-a-time \(first.rawValue)", " \(first.rawValue)"] {
                _ = try await raw.send(["HSET", Self.prefix + "1:" + claim.shard, claim.digest, garbage])
                let receipt = try await queue.enqueue([request(payload: payload)])[0]
                #expect(!receipt.duplicate && receipt.id != first, "claim \(garbage.debugDescription)")
                // The new job's claim replaced the garbage.
                let again = try await queue.enqueue([request(payload: payload)])[0]
                #expect(again == EnqueueReceipt(id: receipt.id, duplicate: true), "after \(garbage.debugDescription)")
            }
        }
    }

    @Test func equalPayloadsInOneBatchAreOneJobWithOneClaim() async throws {
        try await withQueue { queue, raw in
            let payload = uniquePayload()
            let receipts = try await queue.enqueue([request(payload: payload), request(payload: payload)])
            #expect(!receipts[0].duplicate)
            #expect(receipts[1] == EnqueueReceipt(id: receipts[0].id, duplicate: true))
            let claim = try await onlyClaim(raw)
            #expect(claim.value.hasSuffix(" " + receipts[0].id.rawValue))
        }
    }

    @Test func aWrittenShardTwoBucketsOldIsUnlinkedAndTheOthersKept() async throws {
        try await withQueue { queue, raw in
            let shards = ["0", "1", "2", "3"]
            for shard in shards {
                for bucket in ["-1", "0"] {
                    _ = try await raw.send(["HSET", Self.prefix + bucket + ":" + shard, "digest", "1 some-id"])
                }
            }
            _ = try await queue.enqueueOne(request())
            let written = try #require(try await raw.send(["KEYS", Self.prefix + "1:*"]).array?.compactMap(\.string).first)
            let shard = String(try #require(written.last))
            for other in shards {
                let twoOld = try await raw.send(["EXISTS", Self.prefix + "-1:" + other]).int
                #expect(twoOld == (other == shard ? 0 : 1), "shard \(other)")
                #expect(try await raw.send(["EXISTS", Self.prefix + "0:" + other]).int == 1, "shard \(other)")
            }
        }
    }
}
