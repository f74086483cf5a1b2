/// userId → worker by rendezvous (highest-random-weight) hashing: a pure function of the candidates.
///
/// Each user goes to the candidate whose key scores highest with the user's id. Adding a worker
/// moves only the users it now wins (about 1/N of them); removing one moves only its own users.
/// When the user's worker is overloaded, the job goes to the least-loaded candidate that is not;
/// when every candidate is, `route` answers nil and the job takes the shared queue.
public struct StickyRouter: Hashable, Sendable {
    /// Ready, not draining, not tripped workers, in key order.
    public let candidates: [RouteCandidate]

    public init(candidates: [RouteCandidate]) {
        self.candidates = candidates.sorted { $0.key < $1.key }
    }

    /// The worker the user belongs to, load aside; nil with no candidates.
    public func owner(of userID: String) -> RouteCandidate? {
        var best: (score: UInt64, candidate: RouteCandidate)?
        for candidate in candidates {
            let score = Self.score(userID, candidate.key)
            if best == nil || score > best!.score { best = (score, candidate) }
        }
        return best?.candidate
    }

    /// Where a job of this user should go now; nil means the shared queue.
    public func route(userID: String) -> WorkerID? {
        guard let owner = owner(of: userID) else { return nil }
        if !owner.overloaded { return owner.worker }
        return candidates.filter { !$0.overloaded }.min { ($0.activeJobs, $0.key) < ($1.activeJobs, $1.key) }?.worker
    }

    /// FNV-1a over user, a separator and key, then a 64-bit finalizer so nearby keys spread.
    static func score(_ userID: String, _ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in userID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
