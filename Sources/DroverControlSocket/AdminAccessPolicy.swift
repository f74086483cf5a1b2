import Glibc

/// Who may use an admin socket, judged on the peer's uid from `SO_PEERCRED`.
public struct AdminAccessPolicy: Hashable, Sendable {
    /// The uid allowed besides root (normally the supervisor's own).
    public var allowedUID: uid_t
    /// Whether root may connect too; true in production, false only to test refusals.
    public var allowsRoot: Bool

    public init(allowedUID: uid_t, allowsRoot: Bool = true) {
        self.allowedUID = allowedUID
        self.allowsRoot = allowsRoot
    }

    /// The supervisor's effective user, and root.
    public static var sameUserOrRoot: AdminAccessPolicy {
        AdminAccessPolicy(allowedUID: geteuid())
    }

    public func allows(peerUID: uid_t) -> Bool {
        peerUID == allowedUID || (allowsRoot && peerUID == 0)
    }
}
