import DroverQueue
import DroverRAG
import DroverWorker

/// The RAG job handlers over one engine: `index`, `search`, `ask`, `batch`, `evaluate`.
public enum RAGHandlers {
    /// The job types these handlers serve.
    public static let types: [JobType] = [.index, .search, .ask, .batch, .evaluate]

    /// One handler per RAG job type, all sharing `engine` (its index and L1 cache).
    public static func make(engine: RAGEngine) -> [JobType: any JobHandler] {
        var handlers: [JobType: any JobHandler] = [:]
        for type in types { handlers[type] = RAGJobHandler(engine: engine, type: type) }
        return handlers
    }
}

/// Runs one RAG job type against the engine; bad input fails the job without retry.
struct RAGJobHandler: JobHandler {
    let engine: RAGEngine
    let type: JobType

    func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        let payload = RAGPayload(job.payload, configuration: engine.configuration)
        // A little before the queue's own timeout, so a partial answer or a lock give-up is still recorded.
        let deadline = ContinuousClock.now + .milliseconds(max(1, job.timeoutMs - min(1_000, job.timeoutMs / 10)))
        do {
            switch type {
            case .search:
                return try await engine.search(payload.query())
            case .ask:
                return try await engine.ask(payload.query(), deadline: deadline)
            case .batch:
                return try await engine.batch(payload.queries(), ask: payload.batchAsks(), deadline: deadline)
            case .evaluate:
                let metrics = try await engine.evaluate(
                    payload.labelledQueries(), caller: payload.caller(), options: payload.options(), retriever: payload.retriever())
                return metrics.json
            case .index:
                let report = try await engine.index(
                    documents: job.payload["documents"], deletes: payload.deletes(),
                    lockToken: "\(job.id.rawValue)/\(job.attempt)", deadline: deadline,
                    progress: { await context.reportProgress($0) })
                return report.json
            case .noop:
                throw JobFailure("the RAG handlers do not run noop jobs", retryable: false)
            }
        } catch let error as RAGInputError {
            throw JobFailure(error.message, retryable: false)
        } catch let error as any RAGServiceError {
            throw JobFailure(error.description, retryable: error.retryable)
        }
    }
}
