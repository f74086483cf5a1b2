import DroverCache
import DroverJSON
import DroverRAG
import DroverRedis

/// The shared document index in Redis: every worker reads and writes the same documents, and they
/// survive restarts (with the server's persistence). All key knowledge lives in this target.
public struct RedisRAGStore: RAGStore {
    public let client: RedisClient
    let keys: RAGKeys

    /// - Parameters:
    ///   - client: a client of its own is best; index writes are large and would delay the queue's calls.
    ///   - namespace: the first part of every key, as the queue's (`drover` → `drover:{rag:index}:…`).
    public init(client: RedisClient, namespace: String = "drover") {
        self.client = client
        self.keys = RAGKeys(prefix: namespace + ":{rag:index}:")
    }

    /// The channel that carries a new index version after every change.
    public var eventsChannel: String { keys.events }

    public func changes(since version: Int64) async throws -> (version: Int64, changed: [String]) {
        var arguments = RedisCommand()
        arguments.append(version)
        let reply = try await client.evaluate(RAGScripts.changes, keys: [keys.version, keys.changes], arguments: arguments)
        let (current, ids) = try Self.versionAndIDs(reply)
        return (current, ids)
    }

    public func allDocumentIDs() async throws -> (version: Int64, ids: [String]) {
        let reply = try await client.evaluate(RAGScripts.all, keys: [keys.version, keys.documents], arguments: RedisCommand())
        return try Self.versionAndIDs(reply)
    }

    public func documents(_ ids: [String]) async throws -> [String: StoredDocument] {
        let replies = try await client.pipeline(ids.map { ["HGETALL", keys.document($0)] })
        var out: [String: StoredDocument] = [:]
        for (id, reply) in zip(ids, replies) {
            if case .error(let message) = reply { throw RedisError(.serverError, message) }
            guard let fields = reply.array, !fields.isEmpty else { continue }
            out[id] = try Self.decode(id: id, fields)
        }
        return out
    }

    public func contentHash(of id: String) async throws -> String? {
        try await client.send(["HGET", keys.document(id), "hash"]).string
    }

    public func commit(_ document: StoredDocument) async throws -> Int64 {
        var fields: [String: JSONValue] = ["metadata": .object(document.metadata)]
        if let source = document.source { fields["source"] = .string(source) }
        if let url = document.url { fields["url"] = .string(url) }
        var arguments = RedisCommand()
        arguments.append(document.id)
        arguments.append(JSONValue.object(fields).serialized())
        arguments.append(JSONValue.array(document.chunks.map(JSONValue.string)).serialized())
        arguments.append(document.vectors.withUnsafeBytes { Array($0) })
        arguments.append(document.dimensions)
        arguments.append(document.chunks.count)
        arguments.append(document.updatedAtMs)
        arguments.append(document.contentHash)
        arguments.append(keys.events)
        let reply = try await client.evaluate(
            RAGScripts.commit,
            keys: [keys.version, keys.changes, keys.documents, keys.document(document.id), keys.state(document.id)],
            arguments: arguments)
        guard let version = reply.int else { throw RedisError(.protocolError, "rag-commit answered \(reply)") }
        return version
    }

    public func delete(_ id: String) async throws -> Int64? {
        var arguments = RedisCommand()
        arguments.append(id)
        arguments.append(keys.events)
        let reply = try await client.evaluate(
            RAGScripts.delete, keys: [keys.version, keys.changes, keys.documents, keys.document(id)], arguments: arguments)
        return reply.int
    }

    public func lock(_ id: String, token: String, ttlMs: Int) async throws -> Bool {
        var command = RedisCommand("SET")
        command.append(keys.lock(id))
        command.append(token)
        command.append("NX")
        command.append("PX")
        command.append(ttlMs)
        return try await !client.send(command).isNull
    }

    public func unlock(_ id: String, token: String) async throws {
        var arguments = RedisCommand()
        arguments.append(token)
        _ = try await client.evaluate(RAGScripts.unlock, keys: [keys.lock(id)], arguments: arguments)
    }

    public func markState(_ id: String, state: String, error: String?, ttlMs: Int) async throws {
        var set = RedisCommand("HSET")
        set.append(keys.state(id))
        set.append("state")
        set.append(state)
        set.append("error")
        set.append(error ?? "")
        var expire = RedisCommand("PEXPIRE")
        expire.append(keys.state(id))
        expire.append(ttlMs)
        for reply in try await client.pipeline([set, expire]) {
            if case .error(let message) = reply { throw RedisError(.serverError, message) }
        }
    }

    public func documentState(_ id: String) async throws -> RAGDocumentState? {
        let replies = try await client.pipeline([
            ["HMGET", keys.document(id), "hash", "version", "count", "updatedAt", "fields"],
            ["HMGET", keys.state(id), "state", "error"],
        ])
        let stored = replies[0].array ?? []
        let marked = replies[1].array ?? []
        var state: RAGDocumentState?
        if stored.count == 5, let hash = stored[0].string {
            let fields = stored[4].bytes.flatMap { try? JSONValue(parsing: $0) }
            state = RAGDocumentState(
                state: "indexed", id: id, contentHash: hash, version: stored[1].int, chunks: stored[2].int.map(Int.init),
                source: fields?["source"]?.stringValue, url: fields?["url"]?.stringValue, updatedAtMs: stored[3].int)
        }
        if marked.count == 2, let current = marked[0].string {
            if state == nil { state = RAGDocumentState(state: current, id: id) }
            state?.state = current
            if let error = marked[1].string, !error.isEmpty { state?.error = error }
        }
        return state
    }

    public func noteQuery(_ query: [UInt8]) async throws {
        var increment = RedisCommand("ZINCRBY")
        increment.append(keys.popular)
        increment.append(1)
        increment.append(query)
        var trim = RedisCommand("ZREMRANGEBYRANK")
        trim.append(keys.popular)
        trim.append(0)
        trim.append(-(Self.popularKept + 1))
        var expire = RedisCommand("EXPIRE")
        expire.append(keys.popular)
        expire.append(86_400)
        for reply in try await client.pipeline([increment, trim, expire]) {
            if case .error(let message) = reply { throw RedisError(.serverError, message) }
        }
    }

    /// Distinct queries kept in the most-asked list.
    static let popularKept = 1_000

    public func popularQueries(limit: Int) async throws -> [[UInt8]] {
        var command = RedisCommand("ZREVRANGE")
        command.append(keys.popular)
        command.append(0)
        command.append(max(0, limit - 1))
        return (try await client.send(command).array ?? []).compactMap(\.bytes)
    }

    /// The value and its remaining lifetime in one round trip (L1 must not outlive the L2 entry).
    public func cachedValue(_ key: String) async throws -> SharedCacheEntry? {
        let replies = try await client.pipeline([["GET", keys.cache(key)], ["PTTL", keys.cache(key)]])
        guard let value = replies.first?.bytes else { return nil }
        // PTTL: -1 means no expiry; -2 (gone since the GET) still leaves a value that was current.
        let remaining = replies.last?.int
        return SharedCacheEntry(value: value, remainingMs: remaining.flatMap { $0 >= 0 ? $0 : ($0 == -2 ? 0 : nil) })
    }

    public func generation(of scope: String) async throws -> Int64 {
        let reply = try await client.send(["GET", keys.generation(scope)])
        if reply.isNull { return 0 }
        guard let generation = reply.int else {
            throw RedisError(.protocolError, "cache generation \(keys.generation(scope)) is not an integer: \(reply)")
        }
        return generation
    }

    public func advanceGeneration(of scope: String) async throws -> Int64 {
        guard let generation = try await client.send(["INCR", keys.generation(scope)]).int else {
            throw RedisError(.protocolError, "INCR \(keys.generation(scope)) did not answer an integer")
        }
        return generation
    }

    public func cache(_ value: [UInt8], for key: String, ttlSeconds: Int) async throws {
        var command = RedisCommand("SET")
        command.append(keys.cache(key))
        command.append(value)
        command.append("EX")
        command.append(ttlSeconds)
        _ = try await client.send(command)
    }

    static func versionAndIDs(_ reply: RedisReply) throws -> (version: Int64, ids: [String]) {
        guard let parts = reply.array, parts.count == 2, let version = parts[0].int, let ids = parts[1].array else {
            throw RedisError(.protocolError, "expected {version, ids}, got \(reply)")
        }
        return (version, ids.compactMap(\.string))
    }

    static func decode(id: String, _ flat: [RedisReply]) throws -> StoredDocument {
        var fields: [String: RedisReply] = [:]
        var i = 0
        while i + 1 < flat.count {
            if let name = flat[i].string { fields[name] = flat[i + 1] }
            i += 2
        }
        func fail(_ what: String) -> RedisError {
            RedisError(.protocolError, "stored document \(id.debugDescription) has a bad \(what)")
        }
        guard let hash = fields["hash"]?.string, let version = fields["version"]?.int,
              let dims = fields["dims"]?.int, let updatedAt = fields["updatedAt"]?.int else { throw fail("header") }
        guard let chunkBytes = fields["chunks"]?.bytes, let chunkList = try? JSONValue(parsing: chunkBytes).arrayValue else {
            throw fail("chunk list")
        }
        let chunks = chunkList.compactMap(\.stringValue)
        guard let vectorBytes = fields["vectors"]?.bytes, vectorBytes.count == chunks.count * Int(dims) * 4 else {
            throw fail("vector blob")
        }
        let vectors = vectorBytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let extra = fields["fields"]?.bytes.flatMap { try? JSONValue(parsing: $0) }
        return StoredDocument(
            id: id, contentHash: hash, version: version, source: extra?["source"]?.stringValue, url: extra?["url"]?.stringValue,
            metadata: extra?["metadata"]?.objectValue ?? [:], chunks: chunks, vectors: vectors, dimensions: Int(dims),
            updatedAtMs: updatedAt)
    }
}
