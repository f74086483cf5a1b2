/// What is logged (to stdout and stderr; journald keeps it).
public struct LoggingConfiguration: Sendable, Hashable {
    /// The lowest level logged. Default: `info`.
    public var level: LogLevel = .info

    public init() {}
}
