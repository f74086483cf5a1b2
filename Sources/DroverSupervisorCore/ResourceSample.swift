/// A worker's resource use as the supervisor read it from /proc.
public struct ResourceSample: Hashable, Sendable {
    public var rssBytes: Int64
    public var cpuPercent: Double

    public init(rssBytes: Int64, cpuPercent: Double = 0) {
        self.rssBytes = rssBytes
        self.cpuPercent = cpuPercent
    }
}
