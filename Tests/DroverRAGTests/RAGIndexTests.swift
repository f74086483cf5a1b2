import Glibc
import DroverJSON
@testable import DroverRAG
import Testing

/// Builds stored documents with hashing vectors, as the engine would.
func stored(_ id: String, _ chunks: [String], acl: RAGAccess? = nil, version: Int64 = 1, dimensions: Int = 256) -> StoredDocument {
    let embedder = HashingEmbedder(dimensions: dimensions)
    var metadata: [String: JSONValue] = [:]
    if let acl { metadata["acl"] = acl.json }
    return StoredDocument(id: id, contentHash: "h-\(id)-\(version)", version: version, source: nil, url: nil, metadata: metadata,
                          chunks: chunks, vectors: chunks.flatMap(embedder.vector), dimensions: dimensions, updatedAtMs: 0)
}

func search(_ index: RAGIndex, _ text: String, caller: RAGCaller = .init(), options: SearchOptions = .init(), retriever: Retriever = .hybrid) -> [SearchHit] {
    index.search(text: text, vector: HashingEmbedder().vector(text), caller: caller, options: options, retriever: retriever)
}

@Suite("Index: BM25, fusion, ACL")
struct RAGIndexTests {
    @Test("BM25 scores a one-term query exactly as the formula says")
    func bm25KnownAnswer() {
        var bm25 = BM25Index()
        let t = Tokenizer()
        bm25.append(tokens: t.tokens("apple banana"))          // length 2
        bm25.append(tokens: t.tokens("banana cherry cherry"))  // length 3
        bm25.append(tokens: t.tokens("date"))                  // length 1
        var scores: [Float] = []
        let touched = bm25.score(t.tokens("cherry"), into: &scores)
        #expect(touched == [1])
        // idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)); avgdl = 2; tf 2, dl 3.
        let idf = log(1 + 2.5 / 1.5)
        let expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3.0 / 2))
        #expect(abs(Double(scores[1]) - expected) < 1e-4)
    }

    @Test("a removed document's chunks are never found again, and idf forgets them")
    func removedDocumentsDisappear() {
        var index = RAGIndex(dimensions: 256)
        index.upsert(stored("a", ["zebra stripes in the savanna"]))
        index.upsert(stored("b", ["lions hunt zebra at night"]))
        #expect(search(index, "zebra").count == 2)
        index.remove("a")
        #expect(search(index, "zebra").map(\.documentID) == ["b"])
        #expect(!search(index, "savanna").contains { $0.documentID == "a" })
        #expect(index.chunkCount == 1)
    }

    @Test("one hit per document unless perDocument is larger, and topK caps the hits")
    func perDocumentCollapse() {
        var index = RAGIndex(dimensions: 256)
        index.upsert(stored("a", ["kernel module loading", "kernel module parameters", "kernel module removal"]))
        index.upsert(stored("b", ["kernel scheduler"]))
        #expect(search(index, "kernel module").map(\.documentID) == ["a", "b"])
        let two = search(index, "kernel module", options: SearchOptions(topK: 10, perDocument: 2))
        #expect(two.filter { $0.documentID == "a" }.count == 2)
        #expect(search(index, "kernel module", options: SearchOptions(topK: 1, perDocument: 3)).count == 1)
        #expect(Set(two.map(\.chunkID)).count == two.count)
    }

    @Test("fusion puts first the document both rankings agree on")
    func fusionRewardsAgreement() {
        var index = RAGIndex(dimensions: 256)
        index.upsert(stored("both", ["compress files with gzip compression"]))
        index.upsert(stored("keyword", ["gzip"]))
        index.upsert(stored("other", ["files are listed by ls"]))
        let hits = search(index, "compress files with gzip")
        #expect(hits.first?.documentID == "both")
        // First in both lists scores (w_keyword + w_vector) / (k + 1).
        let fusion = FusionWeights()
        #expect(abs(hits[0].score - Double((fusion.keyword + fusion.vector) / (fusion.k + 1))) < 1e-6)
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
    }

    @Test("keyword and vector retrievers each rank on their own")
    func singleRetrievers() {
        var index = RAGIndex(dimensions: 256)
        index.upsert(stored("a", ["tar archive utility"]))
        index.upsert(stored("b", ["network time synchronisation"]))
        #expect(search(index, "archive", retriever: .keyword).map(\.documentID) == ["a"])
        #expect(search(index, "archive utility", retriever: .vector).first?.documentID == "a")
    }

    @Test("ACL: a caller never sees a chunk of a document they may not read")
    func accessControl() {
        var index = RAGIndex(dimensions: 256)
        index.upsert(stored("public", ["salary policy overview"]))
        index.upsert(stored("alice-only", ["salary of alice"], acl: RAGAccess(users: ["alice"])))
        index.upsert(stored("hr", ["salary bands for hr"], acl: RAGAccess(groups: ["hr"])))
        index.upsert(stored("nobody", ["salary secrets"], acl: RAGAccess()))
        let options = SearchOptions(topK: 10, perDocument: 5)
        func ids(_ caller: RAGCaller) -> Set<String> {
            Set(search(index, "salary", caller: caller, options: options).map(\.documentID))
                .union(search(index, "salary", caller: caller, options: options, retriever: .vector).map(\.documentID))
        }
        #expect(ids(RAGCaller()) == ["public"])
        #expect(ids(RAGCaller(userID: "bob")) == ["public"])
        #expect(ids(RAGCaller(userID: "alice")) == ["public", "alice-only"])
        #expect(ids(RAGCaller(userID: "bob", groups: ["hr"])) == ["public", "hr"])
        #expect(ids(RAGCaller(userID: "alice", groups: ["hr", "eng"])) == ["public", "alice-only", "hr"])
    }

    @Test("ACL from metadata: bad shapes are refused with the field named")
    func aclParsing() throws {
        #expect(try RAGAccess.parse(nil).get() == nil)
        #expect(try RAGAccess.parse(.object(["users": .array([.string("u")])])).get() == RAGAccess(users: ["u"]))
        for bad: JSONValue in [.string("alice"), .object(["users": .string("u")]), .object(["roles": .array([])])] {
            guard case .failure(let error) = RAGAccess.parse(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
            #expect(error.message.contains("metadata.acl"))
        }
    }

    @Test("compaction after many removals keeps every live document searchable")
    func compactionKeepsLiveDocuments() {
        var index = RAGIndex(dimensions: 32)
        for i in 0..<1500 { index.upsert(stored("d\(i)", ["unique\(i) shared words"], dimensions: 32)) }
        for i in 0..<1400 { index.remove("d\(i)") }
        #expect(index.chunkCount == 100)
        let hits = index.search(text: "unique1450", vector: HashingEmbedder(dimensions: 32).vector("unique1450"),
                                caller: .init(), options: .init())
        #expect(hits.first?.documentID == "d1450")
    }
}
