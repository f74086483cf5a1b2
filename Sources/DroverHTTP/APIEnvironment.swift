import DroverControl

/// What the API reads from the process around it: the seams to the supervisor (or, in `single`
/// mode, the in-process runner), never their internals.
public struct APIEnvironment: Sendable {
    /// The pool as `queue/status`, `/readyz` and `/metrics` show it.
    public var poolStatus: @Sendable () async -> PoolStatus
    /// Whether a drain is under way: `/readyz` answers 503 at once and new jobs are refused.
    public var isShuttingDown: @Sendable () -> Bool

    public init(poolStatus: @escaping @Sendable () async -> PoolStatus, isShuttingDown: @escaping @Sendable () -> Bool) {
        self.poolStatus = poolStatus
        self.isShuttingDown = isShuttingDown
    }
}
