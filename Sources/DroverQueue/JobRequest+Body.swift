extension JobRequest {
    /// The body fields that steer a job rather than feed it; every other field is payload.
    public static let controlFields: Set<String> = ["type", "priority", "webhook", "idempotencyKey", "timeout", "retries", "delayMs"]

    /// Builds a request from an HTTP body or an NDJSON line: `{query, userId, priority, …}`.
    ///
    /// `priority`, `webhook`, `idempotencyKey`, `timeout` (ms), `retries` and `delayMs` steer the
    /// job; all other fields (`query`, `queries`, `documents`, `options`, `userId`, `sleepMs`, …)
    /// become its payload. `type` comes from the body when `type` is `nil` (NDJSON lines carry it).
    /// Errors name the field and say what was expected.
    public init(body: JSONValue, type: JobType? = nil) throws(JobQueueError) {
        guard case .object(let fields) = body else {
            throw JobQueueError(.invalidRequest, "the body must be a JSON object")
        }
        let resolvedType: JobType
        if let type {
            resolvedType = type
        } else {
            guard let name = fields["type"] else {
                throw JobQueueError(.invalidRequest, "type is missing (one of \(JobType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let text = name.stringValue, let parsed = JobType(rawValue: text) else {
                throw JobQueueError(.invalidRequest, "type must be one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            resolvedType = parsed
        }
        self.init(type: resolvedType)
        if let value = fields["priority"] {
            guard let text = value.stringValue, let priority = JobPriority(rawValue: text) else {
                throw JobQueueError(.invalidRequest, "priority must be \"high\", \"normal\" or \"low\"")
            }
            self.priority = priority
        }
        webhook = try Self.optionalString(fields, "webhook")
        idempotencyKey = try Self.optionalString(fields, "idempotencyKey")
        if let value = try Self.optionalInt(fields, "timeout") { timeoutMs = value }
        if let value = try Self.optionalInt(fields, "retries") { retries = value }
        if let value = try Self.optionalInt(fields, "delayMs") { delayMs = value }
        if let userId = fields["userId"], userId.stringValue == nil, userId != .null {
            throw JobQueueError(.invalidRequest, "userId must be a string")
        }
        payload = .object(fields.filter { !Self.controlFields.contains($0.key) })
        try validate()
        try validatePayload()
    }

    private static func optionalString(_ fields: [String: JSONValue], _ name: String) throws(JobQueueError) -> String? {
        guard let value = fields[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw JobQueueError(.invalidRequest, "\(name) must be a string") }
        return text
    }

    private static func optionalInt(_ fields: [String: JSONValue], _ name: String) throws(JobQueueError) -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        guard let number = value.intValue else { throw JobQueueError(.invalidRequest, "\(name) must be an integer") }
        return number
    }
}
