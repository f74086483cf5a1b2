import Yams

/// The keys a YAML configuration file sets, with their lines and text, checked against the catalogue.
///
/// Values are read through Configuration's `YAMLSnapshot`, but that flattens the document and keeps
/// no line numbers, so an unknown key would be silently ignored. This walk over the Yams node tree
/// is what refuses unknown keys and puts line numbers into errors.
struct ConfigurationFileIndex: Sendable {
    /// One key the file sets.
    struct Entry: Sendable, Hashable {
        /// 1-based line of the key.
        let line: Int
        /// The value as written, for error messages; lists as `[a, b]`.
        let text: String
        /// Whether the value was in quotes, which makes YAML read `"3"` as a string, not a number.
        var isQuoted = false
    }

    /// Leaf key path → where and what it is.
    private(set) var entries: [String: Entry] = [:]
    /// Whether the file held a YAML document at all (an empty or comment-only file does not).
    private(set) var hasDocument = false

    static let empty = ConfigurationFileIndex()

    private init() {}

    init(parsing text: String, catalogue: KeyCatalogue) throws(ConfigurationError) {
        let root: Node?
        do {
            root = try Parser(yaml: text).singleRoot()
        } catch let error as YamlError {
            throw ConfigurationFileIndex.syntaxError(error)
        } catch {
            throw ConfigurationError(.invalidSyntax, keyPath: nil, reason: "invalid YAML: \(error)")
        }
        guard let root else { return }
        if root.null != nil { return }  // "---" or "~" alone: a document with nothing in it
        guard let mapping = root.mapping else {
            throw ConfigurationError(
                .invalidSyntax, keyPath: nil,
                reason: "expected a mapping of keys at the top of the file, got \(Self.kind(of: root))",
                source: root.mark.map { .file(line: $0.line) })
        }
        hasDocument = true
        try walk(mapping, prefix: "", catalogue: catalogue)
    }

    private mutating func walk(
        _ mapping: Node.Mapping, prefix: String, catalogue: KeyCatalogue
    ) throws(ConfigurationError) {
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line ?? 0
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigurationError(
                    .invalidSyntax, keyPath: prefix.isEmpty ? nil : prefix,
                    reason: "keys must be plain names, got \(Self.kind(of: keyNode))", source: .file(line: line))
            }
            let path = prefix.isEmpty ? keyScalar.string : prefix + "." + keyScalar.string
            if catalogue.leaves.contains(path) {
                try record(path, value: value, line: line)
            } else if catalogue.sections.contains(path) {
                if let child = value.mapping {
                    try walk(child, prefix: path, catalogue: catalogue)
                } else if value.null == nil {
                    throw ConfigurationError(
                        .wrongType, keyPath: path,
                        reason: "is a section and takes a mapping of keys, got \(Self.kind(of: value))",
                        source: .file(line: line))
                }
                // An empty section (`cache:` with nothing under it) leaves every key at its default.
            } else {
                throw catalogue.unknownKeyError(path, source: .file(line: line))
            }
        }
    }

    private mutating func record(_ path: String, value: Node, line: Int) throws(ConfigurationError) {
        let text: String
        var isQuoted = false
        switch value {
        case .scalar(let scalar):
            guard value.null == nil else {
                throw ConfigurationError(
                    .wrongType, keyPath: path,
                    reason: "has no value; give one, or remove the key to use the default",
                    source: .file(line: line))
            }
            text = scalar.string
            isQuoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item, item.null == nil else {
                    throw ConfigurationError(
                        .wrongType, keyPath: path,
                        reason: "list items must be plain values, got \(Self.kind(of: item))",
                        source: .file(line: item.mark?.line ?? line))
                }
                items.append(scalar.string)
            }
            text = "[" + items.joined(separator: ", ") + "]"
        case .mapping:
            throw ConfigurationError(
                .wrongType, keyPath: path, reason: "takes a value, got a mapping of keys", source: .file(line: line))
        case .alias:
            throw ConfigurationError(
                .wrongType, keyPath: path, reason: "YAML aliases are not supported here", source: .file(line: line))
        }
        if let earlier = entries[path] {
            // Possible with a dotted key beside its nested form; YAML itself refuses plain duplicates.
            throw ConfigurationError(
                .invalidSyntax, keyPath: path, reason: "is set twice (first on line \(earlier.line))",
                source: .file(line: line))
        }
        entries[path] = Entry(line: line, text: text, isQuoted: isQuoted)
    }

    private static func kind(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): return node.null != nil ? "nothing" : "the value \"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    private static func syntaxError(_ error: YamlError) -> ConfigurationError {
        func make(_ problem: String, _ mark: Mark?) -> ConfigurationError {
            ConfigurationError(
                .invalidSyntax, keyPath: nil, reason: "invalid YAML: \(problem)",
                source: mark.map { .file(line: $0.line) })
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), \(problem)" } ?? problem
            return make(detail, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return make("key \(duplicates.joined(separator: ", ")) appears twice in one mapping", context.mark)
        case .reader(let problem, _, _, _):
            return make(problem, nil)
        default:
            return make("\(error)", nil)
        }
    }
}
