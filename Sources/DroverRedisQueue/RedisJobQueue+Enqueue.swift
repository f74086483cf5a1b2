import DroverQueue
import DroverRedis

extension RedisJobQueue {
    public func enqueue(_ requests: [JobRequest]) async throws(JobQueueError) -> [EnqueueReceipt] {
        try JobRequest.validate(requests)
        let nowMs = WallClock.milliseconds()
        var rng = SystemRandomNumberGenerator()
        var calls: [(script: RedisScript, keys: [String], arguments: RedisCommand)] = []
        var slots: [[Int]] = []
        for (type, members) in Self.grouped(requests, by: \.type) {
            var start = 0
            while start < members.count {
                let chunk = members[start..<min(start + Self.batchSize, members.count)]
                var args = arguments(type)
                args.append(policy.dedupWindowMs)
                args.append(policy.idempotencyTTLMs)
                args.append(chunk.count)
                for (_, request) in chunk {
                    args.append(JobID.generate(for: type, millisecondsSinceEpoch: nowMs, using: &rng).rawValue)
                    args.append(request.priority.rawValue)
                    let payload = request.payload.serialized(sortedKeys: true)
                    args.append(payload)
                    args.append(request.timeoutMs)
                    args.append(request.retries)
                    args.append(request.webhook ?? "")
                    args.append(request.idempotencyKey ?? "")
                    args.append(request.delayMs)
                    args.append(request.targetWorker ?? "")
                    // The digest is made here, not in the script, because Redis is the shared part.
                    args.append(policy.dedupWindowMs > 0 ? SHA1.hexDigest(of: payload) : "")
                }
                calls.append((QueueScript.enqueue, [keys(type).meta], args))
                slots.append(chunk.map(\.index))
                start += Self.batchSize
            }
        }
        let replies = try await runPipeline(calls)
        var receipts = [EnqueueReceipt?](repeating: nil, count: requests.count)
        for (reply, indices) in zip(replies, slots) {
            guard let flat = reply.array, flat.count == indices.count * 2 else {
                throw JobQueueError(.unavailable, "unexpected enqueue reply: \(reply)")
            }
            for (n, index) in indices.enumerated() {
                guard let text = flat[2 * n].string, let id = JobID(text), let duplicate = flat[2 * n + 1].int else {
                    throw JobQueueError(.unavailable, "unexpected enqueue reply entry: \(flat[2 * n])")
                }
                receipts[index] = EnqueueReceipt(id: id, duplicate: duplicate == 1)
            }
        }
        return receipts.map { $0! }
    }
}
