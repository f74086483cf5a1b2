import DroverQueue
import DroverRedis

/// When the queue saw a job accepted, started and finished, in microseconds of Redis's clock,
/// and who ran its last attempt.
public struct JobTimings: Sendable, Hashable {
    public let createdMicros: Int64
    public let startedMicros: Int64?
    public let finishedMicros: Int64?
    public let workerID: String?
    public let status: JobStatus?
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
                replies = try await commands.pipeline(chunk.map { ["HMGET", keys($0.type).job($0), "ct", "su", "fu", "w", "st"] })
            } catch {
                throw Self.queueError(error)
            }
            for reply in replies {
                let f = reply.array ?? []
                let values = f.prefix(3).map { $0.string.flatMap { Int64($0) } }
                if f.count == 5, let created = values[0] {
                    out.append(JobTimings(
                        createdMicros: created, startedMicros: values[1], finishedMicros: values[2],
                        workerID: f[3].string, status: f[4].string.flatMap(JobStatus.init(rawValue:))))
                } else {
                    out.append(nil)
                }
            }
            start += 10_000
        }
        return out
    }

    /// How many leases each worker holds now, over every queue: `drover bench` waits with it until
    /// the whole pool is draining.
    public func leaseCounts(ofWorkers workerIDs: [String]) async throws(JobQueueError) -> [Int] {
        let commands: [RedisCommand] = workerIDs.flatMap { worker in
            JobType.allCases.map { type in ["SCARD", keys(type).worker(worker)] }
        }
        let replies: [RedisReply]
        do {
            replies = try await self.commands.pipeline(commands)
        } catch {
            throw Self.queueError(error)
        }
        let perWorker = JobType.allCases.count
        return workerIDs.indices.map { index in
            replies[index * perWorker..<(index + 1) * perWorker].reduce(0) { $0 + Int($1.int ?? 0) }
        }
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
