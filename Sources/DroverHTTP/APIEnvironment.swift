import DroverControl
import DroverQueue

/// What the API reads from the process around it: the seams to the supervisor (or, in `single`
/// mode, the in-process runner), never their internals.
public struct APIEnvironment: Sendable {
    /// The pool as `queue/status`, `/readyz` and `/metrics` show it.
    public var poolStatus: @Sendable () async -> PoolStatus
    /// Whether a drain is under way: `/readyz` answers 503 at once and new jobs are refused.
    public var isShuttingDown: @Sendable () -> Bool
    /// The worker a user's jobs stick to (`JobRequest.targetWorker`), or nil for the shared queues.
    public var route: @Sendable (_ userID: String) -> String?
    /// A RAG document's processing state as `GET /api/rag/documents/{id}` shows it, nil when unknown;
    /// nil itself when this process has no RAG store to ask.
    public var documentState: (@Sendable (_ id: String) async throws -> JSONValue?)?

    public init(
        poolStatus: @escaping @Sendable () async -> PoolStatus, isShuttingDown: @escaping @Sendable () -> Bool,
        route: @escaping @Sendable (_ userID: String) -> String? = { _ in nil },
        documentState: (@Sendable (_ id: String) async throws -> JSONValue?)? = nil
    ) {
        self.poolStatus = poolStatus
        self.isShuttingDown = isShuttingDown
        self.route = route
        self.documentState = documentState
    }
}
