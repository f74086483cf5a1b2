extension JobRecord {
    /// The record as `GET /api/rag/job/{id}`, `GET /api/rag/dlq` and `drover job ID` show it: the
    /// fields DESIGN.md names, plus what a client needs to judge a failed job (its payload, limits
    /// and every failed attempt).
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "jobId": .string(id.rawValue),
            "type": .string(type.rawValue),
            "status": .string(status.rawValue),
            "priority": .string(priority.rawValue),
            "progress": progress ?? .null,
            "attempts": .int(attempts),
            "retries": .int(retries),
            "timeout": .int(timeoutMs),
            "createdAt": .int(Int(createdAtMs)),
            "payload": payload,
        ]
        if let result { fields["result"] = result }
        if let error { fields["error"] = .string(error) }
        if let workerID { fields["workerId"] = .string(workerID) }
        if let startedAtMs { fields["startedAt"] = .int(Int(startedAtMs)) }
        if let finishedAtMs { fields["finishedAt"] = .int(Int(finishedAtMs)) }
        if let webhook { fields["webhook"] = .string(webhook) }
        if !history.isEmpty {
            fields["history"] = .array(history.map { failure in
                var entry: [String: JSONValue] = [
                    "attempt": .int(failure.attempt), "error": .string(failure.error), "at": .int(Int(failure.atMs)),
                ]
                if let worker = failure.workerID { entry["workerId"] = .string(worker) }
                return .object(entry)
            })
        }
        return .object(fields)
    }
}

extension QueueCounts {
    /// The counts as `GET /api/rag/queue/status` shows one queue.
    public func json(name: String) -> JSONValue {
        .object([
            "name": .string(name),
            "waiting": .int(waiting), "active": .int(active), "completed": .int(completed),
            "failed": .int(failed), "delayed": .int(delayed), "dead": .int(dead),
            "averageProcessingMs": .double(averageProcessingMs),
            "throughputPerMinute": .int(throughputPerMinute),
        ])
    }
}
