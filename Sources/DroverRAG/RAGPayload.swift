import DroverJSON

/// Reads the RAG fields of a job payload, naming the field at fault: `query`, `queries`,
/// `userId`, `groups`, `options` (`topK`, `perDocument`, `retriever`, `mode`), `delete`.
public struct RAGPayload: Sendable {
    public let payload: JSONValue
    public let configuration: RAGConfiguration

    public init(_ payload: JSONValue, configuration: RAGConfiguration) {
        self.payload = payload
        self.configuration = configuration
    }

    public func caller() throws(RAGInputError) -> RAGCaller {
        var caller = RAGCaller()
        if let user = payload["userId"], user != .null {
            guard let id = user.stringValue else { throw RAGInputError("userId must be a string") }
            caller.userID = id
        }
        if let groups = payload["groups"], groups != .null {
            guard let list = groups.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw RAGInputError("groups must be an array of strings")
            }
            caller.groups = Set(list.compactMap(\.stringValue))
        }
        return caller
    }

    public func options() throws(RAGInputError) -> SearchOptions {
        try SearchOptions(json: payload["options"])
    }

    /// `options.retriever`: `hybrid` (default), `keyword` (BM25 alone) or `vector` (embeddings alone).
    public func retriever() throws(RAGInputError) -> Retriever {
        guard let value = payload["options"]?["retriever"], value != .null else { return .hybrid }
        guard let name = value.stringValue, let retriever = Retriever(rawValue: name) else {
            throw RAGInputError("options.retriever must be one of \(Retriever.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return retriever
    }

    /// `options.mode` of a batch: `search` (default) or `ask`.
    public func batchAsks() throws(RAGInputError) -> Bool {
        guard let value = payload["options"]?["mode"], value != .null else { return false }
        switch value.stringValue {
        case "search": return false
        case "ask": return true
        default: throw RAGInputError("options.mode must be search or ask")
        }
    }

    public func query() throws(RAGInputError) -> RAGQuery {
        guard let text = payload["query"]?.stringValue else { throw RAGInputError("query must be a non-empty string") }
        return RAGQuery(text: try checked(text, "query"), caller: try caller(), options: try options(), retriever: try retriever())
    }

    /// `queries` of a batch: strings, or `{query, options?}` objects whose options override the job's.
    public func queries() throws(RAGInputError) -> [RAGQuery] {
        let list = try queryList()
        let caller = try caller(), options = try options(), retriever = try retriever()
        var result: [RAGQuery] = []
        for (i, item) in list.enumerated() {
            if let text = item.stringValue {
                result.append(RAGQuery(text: try checked(text, "queries[\(i)]"), caller: caller, options: options, retriever: retriever))
            } else if let text = item["query"]?.stringValue {
                let own = item["options"].map { _ in true } ?? false
                result.append(RAGQuery(text: try checked(text, "queries[\(i)].query"), caller: caller,
                                       options: own ? try SearchOptions(json: item["options"]) : options, retriever: retriever))
            } else {
                throw RAGInputError("queries[\(i)] must be a string or {query, options?}")
            }
        }
        return result
    }

    /// `queries` of an evaluate job: `[{query, relevantIds}]`.
    public func labelledQueries() throws(RAGInputError) -> [LabelledQuery] {
        var result: [LabelledQuery] = []
        for (i, item) in try queryList().enumerated() {
            guard let text = item["query"]?.stringValue else { throw RAGInputError("queries[\(i)].query must be a non-empty string") }
            guard let ids = item["relevantIds"]?.arrayValue, !ids.isEmpty, ids.allSatisfy({ $0.stringValue != nil }) else {
                throw RAGInputError("queries[\(i)].relevantIds must be a non-empty array of document ids")
            }
            result.append(LabelledQuery(query: try checked(text, "queries[\(i)].query"), relevantIDs: Set(ids.compactMap(\.stringValue))))
        }
        return result
    }

    /// `delete`: ids to delete in an index job.
    public func deletes() throws(RAGInputError) -> [String] {
        guard let value = payload["delete"], value != .null else { return [] }
        guard let list = value.arrayValue, list.allSatisfy({ ($0.stringValue?.isEmpty ?? true) == false }) else {
            throw RAGInputError("delete must be an array of document ids")
        }
        return list.compactMap(\.stringValue)
    }

    private func queryList() throws(RAGInputError) -> [JSONValue] {
        guard let list = payload["queries"]?.arrayValue, !list.isEmpty else {
            throw RAGInputError("queries must be a non-empty array")
        }
        guard list.count <= configuration.maxQueries else {
            throw RAGInputError("queries holds \(list.count) queries; at most \(configuration.maxQueries) per job")
        }
        return list
    }

    private func checked(_ text: String, _ field: String) throws(RAGInputError) -> String {
        guard text.contains(where: { !$0.isWhitespace }) else { throw RAGInputError("\(field) must be a non-empty string") }
        guard text.utf8.count <= configuration.maxQueryBytes else {
            throw RAGInputError("\(field) is \(text.utf8.count) bytes; at most \(configuration.maxQueryBytes)")
        }
        return text
    }
}
