import DroverQueue
import DroverRedis

/// When the queue saw a job accepted, started and finished, in microseconds of Redis's clock.
public struct JobTimings: Sendable, Hashable {
    public let createdMicros: Int64
    public let startedMicros: Int64?
    public let finishedMicros: Int64?
}

extension RedisJobQueue {
    /// Timings of many jobs, read in pipelined batches: what `drover bench` measures latency from.
    public func timings(of ids: [JobID]) async throws(JobQueueError) -> [JobTimings?] {
        var out: [JobTimings?] = []
        out.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + 10_000, ids.count)]
            let replies: [RedisReply]
            do {
                replies = try await commands.pipeline(chunk.map { ["HMGET", keys($0.type).job($0), "ct", "su", "fu"] })
            } catch {
                throw Self.queueError(error)
            }
            for reply in replies {
                let f = reply.array ?? []
                let values = f.map { $0.string.flatMap { Int64($0) } }
                if values.count == 3, let created = values[0] {
                    out.append(JobTimings(createdMicros: created, startedMicros: values[1], finishedMicros: values[2]))
                } else {
                    out.append(nil)
                }
            }
            start += 10_000
        }
        return out
    }

    /// Deletes every key of this queue namespace (benchmarks and tests clean up with it).
    public func deleteNamespace() async throws(JobQueueError) {
        do {
            var cursor = "0"
            repeat {
                let reply = try await commands.send(["SCAN", cursor, "MATCH", namespace + ":*", "COUNT", "1000"])
                guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
                cursor = next
                let keys = (parts[1].array ?? []).compactMap(\.string)
                if !keys.isEmpty {
                    var unlink = RedisCommand("UNLINK")
                    for key in keys { unlink.append(key) }
                    _ = try await commands.send(unlink)
                }
            } while cursor != "0"
        } catch {
            throw Self.queueError(error)
        }
    }
}
