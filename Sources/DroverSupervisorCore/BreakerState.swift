/// Whether a slot's circuit breaker lets the router send it jobs.
public enum BreakerState: Hashable, Sendable {
    /// Routable.
    case closed
    /// Out of routing until the instant given.
    case open(until: Instant)
    /// Routable on trial: the next attributable failure opens it again at once, a completed job closes it.
    case halfOpen

    /// The router may send this slot jobs.
    public var allowsRouting: Bool {
        if case .open = self { return false }
        return true
    }

    /// The short name status output and metrics use: `closed`, `open` (tripped) or `half-open`.
    public var name: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }
}
