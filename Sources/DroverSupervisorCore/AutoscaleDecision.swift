/// What the autoscaler decided at one sample, with the reason that goes into the log.
public enum AutoscaleDecision: Hashable, Sendable {
    /// Nothing to do.
    case hold(reason: String)
    /// A step was called for but a bound or the cooldown stopped it.
    case blocked(reason: String)
    case scaleUp(to: Int, reason: String)
    case scaleDown(to: Int, reason: String)

    public var reason: String {
        switch self {
        case .hold(let reason), .blocked(let reason), .scaleUp(_, let reason), .scaleDown(_, let reason): reason
        }
    }
}
