extension JobRequest {
    /// Longest `query` (and each entry of `queries`) and `userId`, in bytes.
    public static let maxQueryBytes = 16_384
    public static let maxUserIDBytes = 256
    /// Longest document id an `index` job may carry, in bytes.
    public static let maxDocumentIDBytes = 256
    /// Most entries of `queries` and of `documents` in one job.
    public static let maxQueries = 1_000
    public static let maxDocuments = 10_000
    /// Largest `options.topK`, and most hits per document (`options.perDocument`), of a search or ask.
    public static let maxTopK = 100
    public static let maxPerDocument = 20
    /// The longest sleep a `noop` job may ask for (`sleepMs`): 10 minutes.
    public static let maxNoopSleepMs = 600_000
    /// The most memory a `noop` job may hold (`holdMB`).
    public static let maxNoopHoldMB = 4_096
    /// The JSON limits a job body is parsed with: shallow, and no container larger than a job may use.
    public static let bodyLimits = JSONLimits(maxDepth: 32, maxContainerCount: 100_000)

    /// Parses and validates one job body (an HTTP body, an NDJSON line): the one reader both use.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - type: the job type when the caller knows it (from the URL); otherwise the body's `type`.
    ///   - maxBytes: the largest body accepted.
    public init(json bytes: some Collection<UInt8>, type: JobType? = nil, maxBytes: Int) throws(JobQueueError) {
        var limits = Self.bodyLimits
        limits.maxBytes = maxBytes
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes, limits: limits)
        } catch {
            throw JobQueueError(.invalidRequest, error.message)
        }
        try self.init(body: body, type: type)
    }

    /// Checks the fields each job type reads: present, of the right JSON type, within the limits.
    ///
    /// A job body is checked once, where it enters (HTTP or CLI); handlers may rely on these shapes.
    public func validatePayload() throws(JobQueueError) {
        if let user = payload["userId"]?.stringValue, user.isEmpty || user.utf8.count > Self.maxUserIDBytes {
            throw JobQueueError(.invalidRequest, "userId must be 1...\(Self.maxUserIDBytes) bytes")
        }
        if let options = payload["options"], options != .null {
            guard options.objectValue != nil else { throw JobQueueError(.invalidRequest, "options must be an object") }
            _ = try Self.optionalInteger(options["topK"], "options.topK", in: 1...Self.maxTopK)
            _ = try Self.optionalInteger(options["perDocument"], "options.perDocument", in: 1...Self.maxPerDocument)
        }
        switch type {
        case .ask, .search:
            try Self.requireQuery(payload["query"], "query")
        case .batch:
            let queries = try Self.requireArray(payload["queries"], "queries", max: Self.maxQueries)
            for (index, query) in queries.enumerated() { try Self.requireQuery(query, "queries[\(index)]") }
        case .evaluate:
            let queries = try Self.requireArray(payload["queries"], "queries", max: Self.maxQueries)
            for (index, entry) in queries.enumerated() {
                guard entry.objectValue != nil else { throw JobQueueError(.invalidRequest, "queries[\(index)] must be an object {query, relevantIds}") }
                try Self.requireQuery(entry["query"], "queries[\(index)].query")
                let ids = try Self.requireArray(entry["relevantIds"], "queries[\(index)].relevantIds", max: Self.maxDocuments)
                if ids.contains(where: { $0.stringValue == nil }) {
                    throw JobQueueError(.invalidRequest, "queries[\(index)].relevantIds must hold strings")
                }
            }
        case .index:
            let documents = try Self.requireArray(payload["documents"], "documents", max: Self.maxDocuments)
            for (index, document) in documents.enumerated() {
                guard document.objectValue != nil else { throw JobQueueError(.invalidRequest, "documents[\(index)] must be an object {id, text}") }
                guard let id = document["id"]?.stringValue, !id.isEmpty, id.utf8.count <= Self.maxDocumentIDBytes else {
                    throw JobQueueError(.invalidRequest, "documents[\(index)].id must be a string of 1...\(Self.maxDocumentIDBytes) bytes")
                }
                guard document["text"]?.stringValue != nil else {
                    throw JobQueueError(.invalidRequest, "documents[\(index)].text must be a string")
                }
            }
        case .noop:
            // Checked here so that a bad probe is refused at the door, not dead-lettered later.
            _ = try Self.optionalInteger(payload["sleepMs"], "sleepMs", in: 0...Self.maxNoopSleepMs)
            _ = try Self.optionalInteger(payload["holdMB"], "holdMB", in: 0...Self.maxNoopHoldMB)
            if let fail = payload["fail"], fail.stringValue == nil {
                throw JobQueueError(.invalidRequest, "fail must be a string")
            }
        }
    }

    private static func requireQuery(_ value: JSONValue?, _ name: String) throws(JobQueueError) {
        guard let value, value != .null else { throw JobQueueError(.invalidRequest, "\(name) is missing") }
        guard let text = value.stringValue else { throw JobQueueError(.invalidRequest, "\(name) must be a string") }
        guard !text.isEmpty, text.utf8.count <= maxQueryBytes else {
            throw JobQueueError(.invalidRequest, "\(name) must be 1...\(maxQueryBytes) bytes")
        }
    }

    /// An integer field that may be left out (or null); otherwise it must lie in `range`. The one
    /// rule both enqueue and the handlers read such fields with, so what is accepted also runs.
    public static func optionalInteger(_ value: JSONValue?, _ name: String, in range: ClosedRange<Int>) throws(JobQueueError) -> Int? {
        guard let value, value != .null else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            throw JobQueueError(.invalidRequest, "\(name) must be an integer \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private static func requireArray(_ value: JSONValue?, _ name: String, max: Int) throws(JobQueueError) -> [JSONValue] {
        guard let value, value != .null else { throw JobQueueError(.invalidRequest, "\(name) is missing") }
        guard let array = value.arrayValue else { throw JobQueueError(.invalidRequest, "\(name) must be an array") }
        guard !array.isEmpty, array.count <= max else {
            throw JobQueueError(.invalidRequest, "\(name) must hold 1...\(max) entries, got \(array.count)")
        }
        return array
    }
}
