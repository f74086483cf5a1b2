import DroverQueue
import DroverRAG
import DroverRAGRedis
import DroverRedis
import DroverRedisQueue
import DroverTestSupport
import Testing

/// An engine as a worker builds it: its own Redis client, the shared store, its own L1.
func workerEngine(_ url: RedisURL) -> (RAGEngine, RedisRAGStore) {
    let store = RedisRAGStore(client: RedisClient(url: url))
    return (RAGEngine(store: store), store)
}

func documentsPayload(_ items: [(String, String)], acl: [String: JSONValue] = [:]) -> JSONValue {
    .array(items.map { id, text in
        var o: [String: JSONValue] = ["id": .string(id), "text": .string(text)]
        if let a = acl[id] { o["metadata"] = .object(["acl": a]) }
        return .object(o)
    })
}

func indexReport(_ engine: RAGEngine, _ docs: JSONValue, token: String = "t", deadline: Duration = .seconds(30)) async throws -> IndexReport {
    try await engine.index(documents: docs, deletes: [], lockToken: token, deadline: .now + deadline) { _ in }
}

func hitTexts(_ result: JSONValue) -> [String] {
    (result["hits"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
}

func hitIDs(_ result: JSONValue) -> [String] {
    (result["hits"]?.arrayValue ?? []).compactMap { $0["documentId"]?.stringValue }
}

/// Runs one job through the queue and returns its finished record.
func runJob(_ queue: RedisJobQueue, _ type: JobType, _ payload: JSONValue) async throws -> JobRecord {
    let id = try await queue.enqueue([JobRequest(type: type, payload: payload, timeoutMs: 60_000, retries: 0)])[0].id
    var record: JobRecord?
    try await eventually(timeout: .seconds(60), "\(type) job \(id) finished") {
        record = try await queue.job(id)
        return record?.status.isFinal == true || record?.status == .failed
    }
    return try #require(record)
}
