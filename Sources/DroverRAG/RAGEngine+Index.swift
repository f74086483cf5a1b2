import DroverJSON
import DroverQueue

/// What an `index` job did: `{indexed, skipped, failed: [{id, error}]}` (+ `deleted` when asked).
public struct IndexReport: Sendable {
    public var indexed = 0
    public var skipped = 0
    public var deleted: Int?
    public var failed: [(id: String, error: String)] = []

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "indexed": .int(indexed), "skipped": .int(skipped),
            "failed": .array(failed.map { .object(["id": .string($0.id), "error": .string($0.error)]) }),
        ]
        if let deleted { o["deleted"] = .int(deleted) }
        return .object(o)
    }
}

extension RAGEngine {
    /// `index`: validates, then chunk → embed → store, reporting each step through `progress`.
    ///
    /// - Parameters:
    ///   - documents: the payload's `documents`; bad ones land in `failed`, the rest go on.
    ///   - deletes: ids to delete, from `payload.delete`.
    ///   - lockToken: names this attempt in document locks (the job id and attempt).
    ///   - deadline: when to give up waiting for a lock another job holds.
    public func index(
        documents: JSONValue?, deletes: [String], lockToken: String, deadline: ContinuousClock.Instant,
        progress: @escaping @Sendable (JSONValue) async -> Void
    ) async throws -> IndexReport {
        let batch: RAGDocumentReader.Batch
        if documents == nil || documents == .null, !deletes.isEmpty {
            batch = .init()
        } else {
            batch = try configuration.reader.read(documents)
        }
        var report = IndexReport()
        report.failed = batch.failed
        let embedderName = embedder.name
        let chunking = configuration.chunking

        // Unchanged documents are skipped before any work; the check is repeated under the lock.
        var pending: [(document: RAGDocument, hash: String)] = []
        for document in batch.documents {
            let hash = document.contentHash(chunking: chunking, embedder: embedderName)
            if try await store.contentHash(of: document.id) == hash {
                report.skipped += 1
            } else {
                pending.append((document, hash))
            }
        }

        await progress(Self.step("chunk", done: 0, total: pending.count))
        let chunked = await Self.chunk(pending.map(\.document), options: chunking)
        let totalChunks = chunked.reduce(0) { $0 + $1.count }
        await progress(Self.step("embed", done: 0, total: totalChunks))
        let vectors = try await embedAll(chunked.flatMap { $0 }, progress: progress)

        await progress(Self.step("store", done: 0, total: pending.count))
        var offset = 0
        for (i, (document, hash)) in pending.enumerated() {
            try Task.checkCancellation()
            let chunks = chunked[i]
            let flat = Array(vectors[offset..<(offset + chunks.count)].joined())
            offset += chunks.count
            let outcome = try await withDocumentLock(document.id, token: lockToken, deadline: deadline) { () async throws -> Bool in
                guard try await store.contentHash(of: document.id) != hash else { return false }
                try await store.markState(document.id, state: "indexing", error: nil, ttlMs: configuration.lockTTLMs)
                var stored = StoredDocument(
                    id: document.id, contentHash: hash, version: 0, source: document.source, url: document.url,
                    metadata: document.metadata, chunks: chunks, vectors: flat, dimensions: embedder.dimensions,
                    updatedAtMs: WallClock.milliseconds())
                stored.version = try await store.commit(stored)
                applyCommitted(stored)
                return true
            }
            switch outcome {
            case .some(true): report.indexed += 1
            case .some(false): report.skipped += 1
            case .none: report.failed.append((document.id, "another job held this document's lock until this job's deadline; send it again"))
            }
            await progress(Self.step("store", done: i + 1, total: pending.count))
        }

        if !deletes.isEmpty {
            var deleted = 0
            for id in deletes {
                let outcome = try await withDocumentLock(id, token: lockToken, deadline: deadline) { () async throws -> Bool in
                    guard let at = try await store.delete(id) else { return false }
                    applyDeleted(id, at: at)
                    return true
                }
                if outcome == true { deleted += 1 }
                if outcome == nil { report.failed.append((id, "another job held this document's lock until this job's deadline; send the delete again")) }
            }
            report.deleted = deleted
        }
        return report
    }

    /// Runs `body` holding document `id`'s lock; `nil` if the lock stayed taken until `deadline`.
    private func withDocumentLock<R: Sendable>(
        _ id: String, token: String, deadline: ContinuousClock.Instant, _ body: () async throws -> R
    ) async throws -> R? {
        var wait = Duration.milliseconds(10)
        while try await !store.lock(id, token: token, ttlMs: configuration.lockTTLMs) {
            guard ContinuousClock.now + wait < deadline else { return nil }
            try await Task.sleep(for: wait)
            wait = min(wait * 2, .milliseconds(200))
        }
        do {
            let result = try await body()
            try await store.unlock(id, token: token)
            return result
        } catch {
            try? await store.markState(id, state: "failed", error: "\(error)", ttlMs: 86_400_000)
            try? await store.unlock(id, token: token)
            throw error
        }
    }

    /// Chunks every document off the actor, so searches on this worker go on meanwhile.
    nonisolated static func chunk(_ documents: [RAGDocument], options: ChunkingOptions) async -> [[String]] {
        let chunker = TextChunker(options: options)
        return documents.map { chunker.chunks($0.text) }
    }

    private nonisolated func embedAll(_ texts: [String], progress: @Sendable (JSONValue) async -> Void) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let slice = Array(texts[start..<min(start + configuration.embedBatch, texts.count)])
            let embedded = try await embedder.embed(slice)
            guard embedded.count == slice.count, embedded.allSatisfy({ $0.count == embedder.dimensions }) else {
                throw JobInputMismatch("embedder \(embedder.name) returned \(embedded.count) vectors for \(slice.count) texts, or vectors of the wrong size")
            }
            vectors.append(contentsOf: embedded)
            start += slice.count
            await progress(Self.step("embed", done: start, total: texts.count))
        }
        return vectors
    }

    nonisolated static func step(_ name: String, done: Int, total: Int) -> JSONValue {
        .object(["step": .string(name), "done": .int(done), "total": .int(total)])
    }
}

/// An embedder broke its contract; retrying may help if it was a transient fault upstream.
struct JobInputMismatch: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
