import DroverControl
import DroverHTTP
import DroverQueue
import DroverRAG
import Logging
import Testing

@Suite("GET /api/rag/documents/{id}: a document's processing state (no socket)")
struct DocumentStateTests {
    /// An API whose document states come from a real in-memory RAG store with the manual indexed.
    static func makeAPI(store: InMemoryRAGStore?) -> DroverAPI {
        let environment = APIEnvironment(
            poolStatus: { PoolStatus(mode: "single", desiredWorkers: 1, workers: []) }, isShuttingDown: { false },
            documentState: store.map { store in { @Sendable id in await store.documentState(id)?.json } })
        return DroverAPI(queue: InMemoryJobQueue(), settings: APISettings(), environment: environment, logger: Logger(label: "test"))
    }

    static func indexedStore() async throws -> InMemoryRAGStore {
        let store = InMemoryRAGStore()
        let engine = RAGEngine(store: store)
        let documents = JSONValue.array([
            .object(["id": .string("guide/curl+tls"), "text": .string("curl fetches data from a server over HTTP."), "source": .string("manual")]),
        ])
        let report = try await engine.index(documents: documents, deletes: [], lockToken: "test/1", deadline: .now + .seconds(30), progress: { _ in })
        #expect(report.indexed == 1)
        return store
    }

    @Test("an indexed document answers 200 with its state; the id is percent-decoded, + kept")
    func indexedDocument() async throws {
        let api = Self.makeAPI(store: try await Self.indexedStore())
        let response = await api.call("GET", "/api/rag/documents/guide%2Fcurl+tls")
        #expect(response.status == 200)
        let body = try #require(response.jsonBody)
        #expect(body["id"]?.stringValue == "guide/curl+tls")
        #expect(body["state"]?.stringValue == "indexed")
        #expect(body["chunks"]?.intValue ?? 0 >= 1)
        #expect(body["source"]?.stringValue == "manual")
    }

    /// A request that cannot find a document, and the answer it must get.
    struct Lookup: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        let status: Int
        let code: String
        var testDescription: String { "\(method) \(target.prefix(60)) → \(status)" }
    }

    @Test("an unknown document is 404, a bad id 400, another method 405", arguments: [
        Lookup(method: "GET", target: "/api/rag/documents/nobody", status: 404, code: "not_found"),
        Lookup(method: "GET", target: "/api/rag/documents/", status: 400, code: "invalid_request"),
        Lookup(method: "GET", target: "/api/rag/documents/bad%01id", status: 400, code: "invalid_request"),
        Lookup(method: "GET", target: "/api/rag/documents/bad%FFid", status: 400, code: "invalid_request"),
        Lookup(method: "GET", target: "/api/rag/documents/" + String(repeating: "x", count: JobRequest.maxDocumentIDBytes + 1), status: 400, code: "invalid_request"),
        Lookup(method: "DELETE", target: "/api/rag/documents/nobody", status: 405, code: "method_not_allowed"),
    ])
    func badLookups(_ lookup: Lookup) async throws {
        let api = Self.makeAPI(store: try await Self.indexedStore())
        let response = await api.call(lookup.method, lookup.target)
        #expect(response.status == lookup.status)
        #expect(errorCode(response) == lookup.code)
        #expect(response.jsonBody?["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test("a server without a RAG store says so with 501 rather than 404")
    func noStore() async {
        let response = await Self.makeAPI(store: nil).call("GET", "/api/rag/documents/anything")
        #expect(response.status == 501 && errorCode(response) == "not_available")
    }
}
