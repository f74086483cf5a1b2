/// One value read from the shared tier, with how long it has left to live.
public struct SharedCacheEntry: Sendable, Hashable {
    public var value: [UInt8]
    /// Milliseconds until the entry expires in the shared tier; `nil` when it has no expiry.
    public var remainingMs: Int64?

    public init(value: [UInt8], remainingMs: Int64?) {
        self.value = value
        self.remainingMs = remainingMs
    }
}
