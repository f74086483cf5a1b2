/// How jobs are routed to workers: sticky per user, and away from failing workers.
public struct RoutingConfiguration: Sendable, Hashable {
    /// Send one user's jobs to the same worker while it is healthy, for cache locality. Default: true.
    public var sticky: Bool = true
    /// The per-worker circuit breaker.
    public var breaker = Breaker()

    public init() {}

    /// `failures` failed jobs within `windowS` take a worker out of routing for `openS`.
    public struct Breaker: Sendable, Hashable {
        /// Default: 3.
        public var failures: Int = 3
        /// Default: 60 s.
        public var windowS: Int = 60
        /// Default: 30 s.
        public var openS: Int = 30

        public init() {}
    }
}
