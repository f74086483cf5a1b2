/// A number of worker processes: fixed, or `auto` (derived from the online CPU count).
public enum WorkerCount: Sendable, Hashable, CustomStringConvertible {
    /// Derived from the CPUs online when the supervisor starts; what "auto" means depends on the key.
    case auto
    /// Exactly this many.
    case fixed(Int)

    /// Parses `auto` or a whole number; `nil` for anything else.
    public init?(_ text: String) {
        if text == "auto" {
            self = .auto
        } else if let count = Int(text) {
            self = .fixed(count)
        } else {
            return nil
        }
    }

    /// The fixed count, or `nil` for `auto`.
    public var fixedValue: Int? {
        if case .fixed(let count) = self { return count }
        return nil
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .fixed(let count): return String(count)
        }
    }
}
