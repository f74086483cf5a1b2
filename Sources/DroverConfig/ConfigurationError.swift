/// Why a configuration could not be loaded: the key, the reason, and where the bad value came from.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; callers switch on this, the message is for people.
    public enum Code: String, Sendable, Hashable {
        /// The named file does not exist.
        case fileNotFound
        /// The file exists but cannot be read: permissions, a directory, not UTF-8, too large.
        case fileUnreadable
        /// The file is not valid YAML, or not a mapping of keys at the top.
        case invalidSyntax
        /// A key that Drover does not know; usually a typo.
        case unknownKey
        /// A value of the wrong kind: a word where a number belongs, a list where a value belongs.
        case wrongType
        /// A value of the right kind that is out of range or malformed.
        case invalidValue
        /// Two or more values that are fine alone but contradict each other.
        case inconsistent
    }

    public let code: Code
    /// The dotted key path (`supervisor.maxWorkers`); `nil` for errors about the whole file.
    public let keyPath: String?
    /// What is wrong, for people: `must be at least minWorkers (1), got 0`.
    public let reason: String
    /// Where the offending value came from, when it came from somewhere other than a default.
    public let source: ConfigurationSource?

    public init(_ code: Code, keyPath: String?, reason: String, source: ConfigurationSource? = nil) {
        self.code = code
        self.keyPath = keyPath
        self.reason = reason
        self.source = source
    }

    /// The 1-based line in the configuration file, when the value came from the file.
    public var line: Int? {
        if case .file(let line) = source { return line }
        return nil
    }

    public var description: String {
        var text = keyPath.map { "\($0): \(reason)" } ?? reason
        if let source {
            text += " (\(source))"
        }
        return text
    }
}
