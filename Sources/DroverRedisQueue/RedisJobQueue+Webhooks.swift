import DroverQueue
import DroverRedis

extension RedisJobQueue {
    /// One pipelined `HGET <job> hook` per id; enqueue stores an empty `hook` for a job without one.
    public func webhooks(of ids: [JobID]) async throws(JobQueueError) -> [String?] {
        guard !ids.isEmpty else { return [] }
        let replies: [RedisReply]
        do {
            replies = try await commands.pipeline(ids.map { ["HGET", keys($0.type).job($0), "hook"] })
        } catch {
            throw Self.queueError(error)
        }
        return replies.map { reply in reply.string.flatMap { $0.isEmpty ? nil : $0 } }
    }
}
