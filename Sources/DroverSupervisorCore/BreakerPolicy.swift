/// The per-slot circuit breaker's numbers, filled from `routing.breaker`.
public struct BreakerPolicy: Hashable, Sendable {
    /// Failures within `windowMs` that open the breaker. Default: 3.
    public var failures = 3
    /// Default: 60 s.
    public var windowMs: Int64 = 60_000
    /// How long an open breaker keeps the slot out of routing before it goes half-open. Default: 30 s.
    public var openMs: Int64 = 30_000

    public init() {}

    func validate() throws(SupervisorCoreError) {
        let rules = PolicyRules(prefix: "breaker.")
        try rules.require(failures >= 1, "failures", "must be at least 1", failures)
        try rules.require(windowMs > 0, "windowMs", "must be positive", windowMs)
        try rules.require(openMs >= 0, "openMs", "must not be negative", openMs)
    }
}
