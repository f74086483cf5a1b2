import DroverSupervisorCore

/// What one registry beat read back: the other live hosts, the dead ones this supervisor must
/// recover, and entries that could not be read (each with why), which are left out.
public struct RegistryView: Sendable, Hashable {
    public var live: [HostEntry]
    public var orphans: [HostEntry]
    /// Instance → why its entry was left out.
    public var rejected: [String: String]
    /// This host had missed its deadline and was claimed as dead: another supervisor may have
    /// released its workers' sticky queues, so jobs routed to them take the shared queues.
    public var declaredDead = false

    public init(live: [HostEntry] = [], orphans: [HostEntry] = [], rejected: [String: String] = [:]) {
        self.live = live
        self.orphans = orphans
        self.rejected = rejected
    }

    /// The other hosts' workers the router may send users to.
    public var remoteCandidates: [RouteCandidate] {
        live.flatMap { $0.workers.compactMap(\.candidate) }
    }
}
