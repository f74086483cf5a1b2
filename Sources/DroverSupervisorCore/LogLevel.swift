/// The severity of a `.log` action; maps one to one onto swift-log's levels.
public enum LogLevel: String, Hashable, Sendable {
    case debug, info, notice, warning, error, critical
}
