/// One slot's circuit breaker: a pure policy with the time as input.
///
/// Only failures the slot's worker is to blame for count (a crash, a hang, a job overrunning its
/// hard timeout, the memory hard limit): `policy.failures` of them within `policy.windowMs` open it
/// for `policy.openMs`; then it is half-open, where one more failure opens it again at once and a
/// completed job closes it.
public struct CircuitBreaker: Hashable, Sendable {
    public private(set) var state = BreakerState.closed
    /// Failures inside the window, oldest first.
    private(set) var failures: [Instant] = []

    public init() {}

    /// Counts a failure; returns true when this one opened the breaker.
    public mutating func recordFailure(at now: Instant, policy: BreakerPolicy) -> Bool {
        advance(to: now)
        failures.append(now)
        failures.removeAll { now - $0 >= policy.windowMs }
        let trips: Bool
        switch state {
        case .open: trips = false
        case .halfOpen: trips = true
        case .closed: trips = failures.count >= policy.failures
        }
        if trips {
            state = .open(until: now + policy.openMs)
            failures = []
        }
        return trips
    }

    /// A job completed on the slot: a half-open breaker closes.
    public mutating func recordSuccess(at now: Instant) {
        advance(to: now)
        if state == .halfOpen { state = .closed }
    }

    /// Moves an open breaker whose time is up to half-open; returns true when it did.
    @discardableResult
    public mutating func advance(to now: Instant) -> Bool {
        if case .open(let until) = state, now >= until {
            state = .halfOpen
            return true
        }
        return false
    }
}
