/// Which ranking a search uses: both fused (the default), or one alone for comparison.
public enum Retriever: String, Sendable, Hashable, CaseIterable {
    case hybrid, keyword, vector
}

/// The in-memory index one worker searches: chunk rows with contiguous vectors, an inverted
/// index for BM25, and each document's access list. Pure and synchronous; the engine owns it.
public struct RAGIndex: Sendable {
    public let dimensions: Int
    private let tokenizer = Tokenizer()

    struct DocumentSlot: Sendable {
        var ordinal: Int32
        var contentHash: String
        var version: Int64
        var rows: [Int32]
    }

    private var documents: [String: DocumentSlot] = [:]
    private var ordinalIDs: [String] = []
    private var ordinalAccess: [RAGAccess?] = []
    private var restrictedDocuments = 0
    private var rowOrdinal: [Int32] = []
    private var rowChunk: [Int32] = []
    private var rowText: [String] = []
    private var rowLive: [Bool] = []
    private var deadRows = 0
    private var vectors: VectorMatrix
    private var keywords = BM25Index()

    public init(dimensions: Int) {
        self.dimensions = dimensions
        self.vectors = VectorMatrix(dimensions: dimensions)
    }

    public var documentCount: Int { documents.count }
    public var chunkCount: Int { rowLive.count - deadRows }

    public func contentHash(of id: String) -> String? { documents[id]?.contentHash }
    public func version(of id: String) -> Int64? { documents[id]?.version }

    /// Adds `document`, replacing any earlier version of it.
    public mutating func upsert(_ document: StoredDocument) {
        precondition(document.dimensions == dimensions, "document \(document.id) has \(document.dimensions)-d vectors, the index \(dimensions)-d")
        remove(document.id)
        insert(id: document.id, contentHash: document.contentHash, version: document.version,
               access: document.access, chunks: document.chunks, vectors: document.vectors)
    }

    /// Removes a document's chunks; returns whether it was there.
    @discardableResult
    public mutating func remove(_ id: String) -> Bool {
        guard let slot = documents.removeValue(forKey: id) else { return false }
        if ordinalAccess[Int(slot.ordinal)] != nil { restrictedDocuments -= 1 }
        ordinalAccess[Int(slot.ordinal)] = RAGAccess()  // hidden from all, should a stale row slip through
        for row in slot.rows {
            rowLive[Int(row)] = false
            rowText[Int(row)] = ""
            keywords.remove(row: Int(row))
        }
        deadRows += slot.rows.count
        if deadRows > 1_000, deadRows > chunkCount { compact() }
        return true
    }

    /// Rebuilds rows and postings without the removed documents' tombstones.
    private mutating func compact() {
        var fresh = RAGIndex(dimensions: dimensions)
        for (id, slot) in documents.sorted(by: { $0.value.ordinal < $1.value.ordinal }) {
            var vectorsOfDocument: [Float] = []
            vectorsOfDocument.reserveCapacity(slot.rows.count * dimensions)
            for row in slot.rows {
                let start = Int(row) * dimensions
                vectorsOfDocument.append(contentsOf: vectors.storage[start..<(start + dimensions)])
            }
            let access = ordinalAccess[Int(slot.ordinal)]
            fresh.insert(id: id, contentHash: slot.contentHash, version: slot.version, access: access,
                         chunks: slot.rows.map { rowText[Int($0)] }, vectors: vectorsOfDocument)
        }
        self = fresh
    }

    private mutating func insert(id: String, contentHash: String, version: Int64, access: RAGAccess?, chunks: [String], vectors flat: [Float]) {
        let ordinal = Int32(ordinalIDs.count)
        ordinalIDs.append(id)
        ordinalAccess.append(access)
        if access != nil { restrictedDocuments += 1 }
        var rows: [Int32] = []
        for (i, text) in chunks.enumerated() {
            rows.append(Int32(rowLive.count))
            rowOrdinal.append(ordinal)
            rowChunk.append(Int32(i))
            rowText.append(text)
            rowLive.append(true)
            vectors.append(Array(flat[(i * dimensions)..<((i + 1) * dimensions)]))
            keywords.append(tokens: tokenizer.tokens(text))
        }
        documents[id] = DocumentSlot(ordinal: ordinal, contentHash: contentHash, version: version, rows: rows)
    }

    /// The best chunks for a query, best first, at most `options.perDocument` per document,
    /// only from documents `caller` may read.
    public func search(
        text: String, vector: [Float], caller: RAGCaller, options: SearchOptions,
        retriever: Retriever = .hybrid, fusion: FusionWeights = .init()
    ) -> [SearchHit] {
        guard chunkCount > 0 else { return [] }
        let allowed = allowedRows(caller)
        let pool = max(fusion.candidates, options.topK * options.perDocument * 4)
        var lists: [(ranking: [(row: Int32, score: Float)], weight: Float)] = []
        if retriever != .vector {
            lists.append((keywordRanking(tokenizer.tokens(text), allowed: allowed, limit: pool), fusion.keyword))
        }
        if retriever != .keyword {
            lists.append((vectorRanking(vector, allowed: allowed, limit: pool), fusion.vector))
        }
        return fuse(lists, k: retriever == .hybrid ? fusion.k : 0, options: options)
    }

    /// Per ordinal, whether `caller` may read it; `nil` means every live document.
    private func allowedRows(_ caller: RAGCaller) -> [Bool]? {
        guard restrictedDocuments > 0 else { return nil }
        return ordinalAccess.map { $0?.allows(caller) ?? true }
    }

    private func keywordRanking(_ tokens: [UInt64], allowed: [Bool]?, limit: Int) -> [(row: Int32, score: Float)] {
        var scores: [Float] = []
        let touched = keywords.score(tokens, into: &scores)
        var top = TopScores(capacity: limit)
        for row in touched where isVisible(Int(row), allowed) {
            top.offer(row, scores[Int(row)])
        }
        return top.sorted()
    }

    private func vectorRanking(_ query: [Float], allowed: [Bool]?, limit: Int) -> [(row: Int32, score: Float)] {
        guard query.count == dimensions else { return [] }
        var scores: [Float] = []
        vectors.dotAll(query, into: &scores)
        var top = TopScores(capacity: limit)
        for row in 0..<scores.count where scores[row] > top.threshold && isVisible(row, allowed) {
            top.offer(Int32(row), scores[row])
        }
        return top.sorted()
    }

    @inline(__always)
    private func isVisible(_ row: Int, _ allowed: [Bool]?) -> Bool {
        guard rowLive[row] else { return false }
        guard let allowed else { return true }
        return allowed[Int(rowOrdinal[row])]
    }

    /// Weighted reciprocal rank fusion at the level of "the j-th best chunk of document d", so two
    /// rankings that pick different chunks of the same document still add up for that document;
    /// each fused entry shows the chunk that contributed most. `k == 0` means a single ranking's own order.
    private func fuse(_ lists: [(ranking: [(row: Int32, score: Float)], weight: Float)], k: Float, options: SearchOptions) -> [SearchHit] {
        struct Entry { var score: Float; var row: Int32; var best: Float; var firstSeen: Int }
        var fused: [Int64: Entry] = [:]
        var order = 0
        for (ranking, weight) in lists {
            var perDocument: [Int32: Int] = [:]
            var rank = 0
            for (row, raw) in ranking {
                let ordinal = rowOrdinal[Int(row)]
                let slot = perDocument[ordinal, default: 0]
                guard slot < options.perDocument else { continue }
                perDocument[ordinal] = slot + 1
                rank += 1
                let contribution = k == 0 ? raw : weight / (k + Float(rank))
                let key = Int64(ordinal) * Int64(SearchOptions.maxPerDocument) + Int64(slot)
                if var entry = fused[key] {
                    entry.score += contribution
                    if contribution > entry.best {
                        entry.best = contribution
                        entry.row = row
                    }
                    fused[key] = entry
                } else {
                    fused[key] = Entry(score: contribution, row: row, best: contribution, firstSeen: order)
                    order += 1
                }
            }
        }
        let ranked = fused.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.firstSeen < $1.firstSeen }
        var hits: [SearchHit] = []
        var seenRows: Set<Int32> = []
        for entry in ranked where hits.count < options.topK {
            guard seenRows.insert(entry.row).inserted else { continue }
            let id = ordinalIDs[Int(rowOrdinal[Int(entry.row)])]
            hits.append(SearchHit(
                documentID: id, chunkID: "\(id)#\(rowChunk[Int(entry.row)])",
                score: Double(entry.score), text: rowText[Int(entry.row)]))
        }
        return hits
    }
}
