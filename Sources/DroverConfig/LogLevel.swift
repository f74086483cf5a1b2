/// The lowest severity that is logged; the names are swift-log's, so the CLI maps them one to one.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
