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
        func require(_ ok: Bool, _ field: String, _ rule: String, _ value: some Any) throws(SupervisorCoreError) {
            if !ok { throw SupervisorCoreError(.invalidPolicy, "breaker.\(field) \(rule), got \(value)") }
        }
        try require(failures >= 1, "failures", "must be at least 1", failures)
        try require(windowMs > 0, "windowMs", "must be positive", windowMs)
        try require(openMs >= 0, "openMs", "must not be negative", openMs)
    }
}
