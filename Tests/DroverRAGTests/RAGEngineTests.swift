import DroverJSON
@testable import DroverRAG
import Testing

func documents(_ items: [(String, String)], acl: [String: JSONValue] = [:]) -> JSONValue {
    .array(items.map { id, text in
        var o: [String: JSONValue] = ["id": .string(id), "text": .string(text)]
        if let a = acl[id] { o["metadata"] = .object(["acl": a]) }
        return .object(o)
    })
}

func index(_ engine: RAGEngine, _ docs: JSONValue, deletes: [String] = [], token: String = "t") async throws -> IndexReport {
    try await engine.index(documents: docs, deletes: deletes, lockToken: token, deadline: .now + .seconds(30)) { _ in }
}

func hitIDs(_ result: JSONValue) -> [String] {
    (result["hits"]?.arrayValue ?? []).compactMap { $0["documentId"]?.stringValue }
}

@Suite("Engine over the in-memory store")
struct RAGEngineTests {
    static let corpus = [
        ("cp", "cp copies files and directories from a source to a destination."),
        ("rm", "rm removes files or directories. Use it with care."),
        ("date", "date prints or sets the system date and time."),
    ]

    @Test("index, then search and ask find the right document and cite it")
    func indexSearchAsk() async throws {
        let engine = RAGEngine(store: InMemoryRAGStore())
        let report = try await index(engine, documents(Self.corpus))
        #expect(report.indexed == 3 && report.skipped == 0 && report.failed.isEmpty)
        let result = try await engine.search(RAGQuery(text: "copy files to a destination"))
        #expect(hitIDs(result).first == "cp")
        let answer = try await engine.ask(RAGQuery(text: "what prints the system time?"), deadline: .now + .seconds(5))
        #expect(answer["citations"]?.arrayValue?.first?["documentId"] == .string("date"))
        #expect(answer["citations"]?.arrayValue?.first?["chunkId"] == .string("date#0"))
        #expect(answer["answer"]?.stringValue?.contains("date prints or sets the system date and time.") == true)
        #expect(answer["partial"] == .bool(false))
    }

    @Test("progress goes chunk → embed → store")
    func progressSteps() async throws {
        let engine = RAGEngine(store: InMemoryRAGStore())
        let steps = StepRecorder()
        _ = try await engine.index(documents: documents(Self.corpus), deletes: [], lockToken: "t", deadline: .now + .seconds(30)) {
            await steps.add($0["step"]?.stringValue ?? "?")
        }
        let seen = await steps.steps
        #expect(seen.first == "chunk")
        #expect(seen.last == "store")
        #expect(seen.firstIndex(of: "embed")! < seen.firstIndex(of: "store")!)
    }

    @Test("an unchanged document is skipped; a changed one replaces its old chunks; a deleted one is gone")
    func dedupUpdateDelete() async throws {
        let store = InMemoryRAGStore()
        let engine = RAGEngine(store: store)
        _ = try await index(engine, documents(Self.corpus))
        let again = try await index(engine, documents(Self.corpus))
        #expect(again.indexed == 0 && again.skipped == 3)
        _ = try await engine.search(RAGQuery(text: "penguins"))  // cache a result at this version
        let update = try await index(engine, documents([("rm", "rm is about penguins now.")]))
        #expect(update.indexed == 1)
        #expect(hitIDs(try await engine.search(RAGQuery(text: "penguins"))).first == "rm")
        let old = try await engine.search(RAGQuery(text: "removes files or directories", options: SearchOptions(topK: 10, perDocument: 5)))
        #expect(!(old["hits"]?.arrayValue ?? []).contains { $0["text"]?.stringValue?.contains("Use it with care") == true })
        let deleted = try await index(engine, .null, deletes: ["rm", "missing"])
        #expect(deleted.deleted == 1)
        #expect(!hitIDs(try await engine.search(RAGQuery(text: "penguins"))).contains("rm"))
        #expect(try await engine.documentState("rm") == nil)
        #expect(try await engine.documentState("cp")?.state == "indexed")
    }

    @Test("a repeated search is an L1 hit; a second engine on the same store gets an L2 hit")
    func cacheTiers() async throws {
        let store = InMemoryRAGStore()
        let first = RAGEngine(store: store), second = RAGEngine(store: store)
        _ = try await index(first, documents(Self.corpus))
        let a = try await first.search(RAGQuery(text: "system time"))
        let b = try await first.search(RAGQuery(text: "system time"))
        let c = try await second.search(RAGQuery(text: "system time"))
        #expect(a == b && b == c)
        #expect(first.counters.snapshot.l1Hits == 1)
        #expect(second.counters.snapshot.l2Hits == 1)
        // A different caller does not share the entry.
        _ = try await first.search(RAGQuery(text: "system time", caller: RAGCaller(userID: "u")))
        #expect(first.counters.snapshot.l1Hits == 1)
    }

    @Test("a new worker warms its L1 with the most-asked queries")
    func warmUp() async throws {
        let store = InMemoryRAGStore()
        let busy = RAGEngine(store: store)
        _ = try await index(busy, documents(Self.corpus))
        for _ in 0..<3 { _ = try await busy.search(RAGQuery(text: "copy files", caller: RAGCaller(userID: "u1"))) }
        _ = try await busy.ask(RAGQuery(text: "system time"), deadline: .now + .seconds(5))
        let fresh = RAGEngine(store: store)
        #expect(await fresh.warmUp(limit: 10) == 2)
        let before = fresh.counters.snapshot.l1Hits
        _ = try await fresh.search(RAGQuery(text: "copy files", caller: RAGCaller(userID: "u1")))
        _ = try await fresh.ask(RAGQuery(text: "system time"), deadline: .now + .seconds(5))
        #expect(fresh.counters.snapshot.l1Hits == before + 2)
    }

    @Test("evaluate scores a small labelled set with known answers")
    func evaluateKnownSet() async throws {
        let engine = RAGEngine(store: InMemoryRAGStore())
        _ = try await index(engine, documents(Self.corpus))
        let metrics = try await engine.evaluate([
            LabelledQuery(query: "copy files and directories", relevantIDs: ["cp"]),
            LabelledQuery(query: "system date and time", relevantIDs: ["date"]),
        ], caller: .init(), options: SearchOptions(topK: 1), retriever: .hybrid)
        #expect(metrics.recallAtK == 1)
        #expect(metrics.mrr == 1)
        #expect(metrics.k == 1)
        #expect(metrics.latencyMs >= 0)
    }

    @Test("batch returns one result per query, in query order")
    func batchOrder() async throws {
        let engine = RAGEngine(store: InMemoryRAGStore())
        _ = try await index(engine, documents(Self.corpus))
        let result = try await engine.batch(
            ["date and time", "copy files", "remove directories"].map { RAGQuery(text: $0) }, ask: false, deadline: .now + .seconds(5))
        let firsts = (result["results"]?.arrayValue ?? []).map { hitIDs($0).first }
        #expect(firsts == ["date", "cp", "rm"])
    }

    @Test("a held lock makes an index job give up at its deadline, naming the document")
    func heldLockTimesOut() async throws {
        let store = InMemoryRAGStore()
        let engine = RAGEngine(store: store)
        #expect(await store.lock("cp", token: "someone-else", ttlMs: 60_000))
        let report = try await engine.index(documents: documents([Self.corpus[0]]), deletes: [], lockToken: "me",
                                            deadline: .now + .milliseconds(100)) { _ in }
        #expect(report.indexed == 0)
        #expect(report.failed.map(\.id) == ["cp"])
        await store.unlock("cp", token: "someone-else")
        #expect(try await index(engine, documents([Self.corpus[0]])).indexed == 1)
    }
}

actor StepRecorder {
    var steps: [String] = []
    func add(_ step: String) { steps.append(step) }
}
