extension JobRequest {
    /// The largest timeout a job may ask for: 24 h.
    public static let maxTimeoutMs = 86_400_000
    /// The most retries a job may ask for.
    public static let maxRetries = 100
    /// The longest delay a job may ask for: 30 days.
    public static let maxDelayMs = 2_592_000_000
    /// Longest webhook URL and idempotency key, in bytes.
    public static let maxWebhookBytes = 2_048
    public static let maxIdempotencyKeyBytes = 256

    /// Throws `.invalidRequest` naming the first field that is out of range.
    ///
    /// Every backend calls this for the whole batch before it accepts any job of it.
    public func validate() throws(JobQueueError) {
        guard (1...Self.maxTimeoutMs).contains(timeoutMs) else {
            throw JobQueueError(.invalidRequest, "timeout must be 1...\(Self.maxTimeoutMs) ms, got \(timeoutMs)")
        }
        guard (0...Self.maxRetries).contains(retries) else {
            throw JobQueueError(.invalidRequest, "retries must be 0...\(Self.maxRetries), got \(retries)")
        }
        guard (0...Self.maxDelayMs).contains(delayMs) else {
            throw JobQueueError(.invalidRequest, "delayMs must be 0...\(Self.maxDelayMs), got \(delayMs)")
        }
        if let webhook, webhook.isEmpty || webhook.utf8.count > Self.maxWebhookBytes {
            throw JobQueueError(.invalidRequest, "webhook must be 1...\(Self.maxWebhookBytes) bytes")
        }
        if let key = idempotencyKey, key.isEmpty || key.utf8.count > Self.maxIdempotencyKeyBytes {
            throw JobQueueError(.invalidRequest, "idempotencyKey must be 1...\(Self.maxIdempotencyKeyBytes) bytes")
        }
        if let target = targetWorker, target.isEmpty || target.utf8.count > Self.maxIdempotencyKeyBytes || target.contains(" ") {
            throw JobQueueError(.invalidRequest, "targetWorker must be 1...\(Self.maxIdempotencyKeyBytes) bytes without spaces")
        }
        guard case .object = payload else {
            throw JobQueueError(.invalidRequest, "payload must be a JSON object")
        }
    }

    /// Validates a batch; a message about one request of several says which (`request 3: …`).
    public static func validate(_ requests: [JobRequest]) throws(JobQueueError) {
        for (index, request) in requests.enumerated() {
            do {
                try request.validate()
            } catch {
                throw JobQueueError(error.code, requests.count == 1 ? error.message : "request \(index): \(error.message)")
            }
        }
    }
}
