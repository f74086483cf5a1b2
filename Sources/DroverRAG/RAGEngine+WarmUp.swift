import DroverJSON

extension RAGEngine {
    /// Runs the most-asked recent queries once, so a new worker starts with them in L1 (from L2
    /// when another worker computed them at the current version). Returns how many it ran.
    @discardableResult
    public func warmUp(limit: Int = 100) async -> Int {
        guard let encoded = try? await store.popularQueries(limit: limit) else { return 0 }
        var ran = 0
        for bytes in encoded {
            guard let json = try? JSONValue(parsing: bytes), let asks = json["ask"]?.boolValue,
                  let query = try? RAGPayload(json, configuration: configuration).query() else { continue }
            if asks {
                _ = try? await ask(query, deadline: .now + .seconds(10))
            } else {
                _ = try? await search(query)
            }
            ran += 1
        }
        return ran
    }

    /// Counts a computed (not cached) query towards the most-asked list; best effort.
    func note(_ query: RAGQuery, asks: Bool) async {
        var options: [String: JSONValue] = [
            "topK": .int(query.options.topK), "perDocument": .int(query.options.perDocument), "retriever": .string(query.retriever.rawValue),
        ]
        if options["retriever"] == .string("hybrid") { options["retriever"] = nil }
        var payload: [String: JSONValue] = ["ask": .bool(asks), "query": .string(query.text), "options": .object(options)]
        if let user = query.caller.userID { payload["userId"] = .string(user) }
        if !query.caller.groups.isEmpty { payload["groups"] = .array(query.caller.groups.sorted().map(JSONValue.string)) }
        var bytes: [UInt8] = []
        JSONValue.object(payload).write(into: &bytes, sortedKeys: true)
        try? await store.noteQuery(bytes)
    }
}
