import Synchronization

/// Hit and miss counts per cache tier, readable from any thread (for `/metrics` and heartbeats).
public final class CacheTierCounters: Sendable {
    private let counts = Mutex(CacheTierStats())

    public init() {}

    public var snapshot: CacheTierStats { counts.withLock { $0 } }

    func record(_ change: (inout CacheTierStats) -> Void) {
        counts.withLock { change(&$0) }
    }
}
