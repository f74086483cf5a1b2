import DroverJSON
@testable import DroverRAG
import Testing

@Suite("Bad documents")
struct BadDocumentTests {
    static let good: JSONValue = .object(["id": .string("good"), "text": .string("A perfectly fine document.")])

    /// One bad document, and what its error must say.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let document: JSONValue
        let id: String
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty text", document: .object(["id": .string("e"), "text": .string("  \n ")]), id: "e", message: "text is empty"),
        Case(name: "50 MB of text", document: .object(["id": .string("big"), "text": .string(String(repeating: "a", count: 50 << 20))]),
             id: "big", message: "the limit is"),
        Case(name: "invalid UTF-8", document: .object(["id": .string("bin"), "textBase64": .string(Base64.encode([0x66, 0x6f, 0xff, 0xfe, 0x6f]))]),
             id: "bin", message: "not valid UTF-8"),
        Case(name: "missing id", document: .object(["text": .string("no id here")]), id: "#1", message: "missing id"),
        Case(name: "duplicate id", document: .object(["id": .string("good"), "text": .string("same id again")]), id: "good", message: "duplicate id"),
        Case(name: "text not a string", document: .object(["id": .string("n"), "text": .int(5)]), id: "n", message: "text must be a string"),
        Case(name: "bad acl", document: .object(["id": .string("a"), "text": .string("x"), "metadata": .object(["acl": .string("all")])]),
             id: "a", message: "metadata.acl"),
    ]

    /// Each bad document next to a good one: the bad one fails with its reason, the good one is indexed.
    @Test("each bad document gets a clear error while the rest of the batch is indexed", arguments: cases)
    func badDocument(_ c: Case) async throws {
        let (name, bad, id, message) = (c.name, c.document, c.id, c.message)
        let engine = RAGEngine(store: InMemoryRAGStore())
        let report = try await engine.index(documents: .array([Self.good, bad]), deletes: [], lockToken: "t",
                                            deadline: .now + .seconds(30)) { _ in }
        #expect(report.indexed == 1, "\(name)")
        #expect(report.failed.count == 1, "\(name)")
        #expect(report.failed.first?.id == id, "\(name)")
        #expect(report.failed.first?.error.contains(message) == true, "\(name): \(report.failed.first?.error ?? "no error")")
        #expect(try await engine.documentState("good")?.state == "indexed")
    }

    @Test("a payload without a documents array is refused as a whole")
    func notAnArray() async {
        let engine = RAGEngine(store: InMemoryRAGStore())
        await #expect(throws: RAGInputError.self) {
            _ = try await engine.index(documents: .string("x"), deletes: [], lockToken: "t", deadline: .now + .seconds(1)) { _ in }
        }
    }

    @Test("valid base64 text is decoded")
    func base64Text() throws {
        let batch = try RAGDocumentReader().read(.array([.object(["id": .string("b"), "textBase64": .string(Base64.encode(Array("héllo".utf8)))])]))
        #expect(batch.documents.first?.text == "héllo")
    }
}
