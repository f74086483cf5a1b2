/// Where a configuration value came from; errors name it so operators know what to edit.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// The configuration file, at this 1-based line.
    case file(line: Int)
    /// An environment variable, by name (`DROVER_SUPERVISOR_MAX_WORKERS`).
    case environment(variable: String)
    /// A command-line flag (`ConfigurationOverrides`).
    case flag

    public var description: String {
        switch self {
        case .file(let line): return "line \(line)"
        case .environment(let variable): return "from environment variable \(variable)"
        case .flag: return "from the command line"
        }
    }
}
