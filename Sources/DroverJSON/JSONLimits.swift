/// Bounds a parser enforces, so that a hostile document costs bounded memory and stack.
public struct JSONLimits: Sendable, Hashable {
    /// Arrays and objects nested deeper than this are refused. Default: 64.
    public var maxDepth: Int
    /// Documents longer than this many bytes are refused before parsing. Default: 16 MiB.
    public var maxBytes: Int
    /// A string (key or value) longer than this many UTF-8 bytes, after unescaping, is refused.
    /// Default: 16 MiB, so only `maxBytes` bounds strings unless a caller asks for less.
    public var maxStringBytes: Int
    /// An array or object with more members than this is refused. Default: 1,000,000.
    public var maxContainerCount: Int

    public init(
        maxDepth: Int = 64,
        maxBytes: Int = 16 << 20,
        maxStringBytes: Int = 16 << 20,
        maxContainerCount: Int = 1_000_000
    ) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxStringBytes = maxStringBytes
        self.maxContainerCount = maxContainerCount
    }

    /// The limits used when a caller names none.
    public static let `default` = JSONLimits()
}
