import DroverJSON
import DroverQueue

extension JobRecord {
    /// The body POSTed to the job's webhook: `{jobId, type, status, result?, error?, attempts, finishedAt}`.
    public var webhookBody: JSONValue {
        var fields: [String: JSONValue] = [
            "jobId": .string(id.rawValue),
            "type": .string(type.rawValue),
            "status": .string(status.rawValue),
            "attempts": .int(attempts),
            "finishedAt": finishedAtMs.map { .int(Int($0)) } ?? .null,
        ]
        if let result { fields["result"] = result }
        if let error { fields["error"] = .string(error) }
        return .object(fields)
    }
}
