import DroverSupervisorCore

/// Where the supervisors of a distributed pool publish their workers and learn of each other's.
public protocol HostRegistry: Sendable {
    /// How long an entry lives without a fresh beat; its host counts as dead after that.
    var entryLifetime: Duration { get }

    /// In one round trip: publishes `own` for `entryLifetime`, forgets the dead hosts whose
    /// recovery is done, and reads the other hosts' entries. Dead hosts come back as orphans
    /// claimed by this caller alone, for a while; if it does not forget them in time, another
    /// supervisor gets them.
    func beat(_ own: HostEntry, forgetting recovered: [String]) async throws -> RegistryView
}
