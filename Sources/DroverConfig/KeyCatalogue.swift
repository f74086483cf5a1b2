/// Every key Drover knows, as dotted paths, with the sections that hold them.
///
/// It is not written out by hand: it is what ``DroverConfiguration/read(from:)`` reads, recorded
/// once against an empty source, so the reading code and the list of known keys cannot drift.
struct KeyCatalogue: Sendable {
    /// Leaf keys in reading order, which is also the order of `Config/drover.yaml`.
    let keyPaths: [String]
    let leaves: Set<String>
    /// Every proper prefix of a leaf (`supervisor`, `supervisor.restart`); the root is `""`.
    let sections: Set<String>
    /// The names directly under each section (`supervisor` → `workers`, `restart`, …).
    let children: [String: [String]]

    init(keyPaths: [String]) {
        self.keyPaths = keyPaths
        leaves = Set(keyPaths)
        var sections: Set<String> = [""]
        var children: [String: [String]] = [:]
        for path in keyPaths {
            let components = path.split(separator: ".").map(String.init)
            for depth in components.indices {
                let parent = components[..<depth].joined(separator: ".")
                if depth > 0 { sections.insert(parent) }
                if !(children[parent] ?? []).contains(components[depth]) {
                    children[parent, default: []].append(components[depth])
                }
            }
        }
        self.sections = sections
        self.children = children
    }

    /// The catalogue of the current reading code.
    static let shared: KeyCatalogue = {
        var loader = ConfigurationLoader.recordingKeys()
        do {
            _ = try DroverConfiguration.read(from: &loader)
        } catch {
            preconditionFailure("the built-in defaults must read cleanly: \(error)")
        }
        return KeyCatalogue(keyPaths: loader.keyPaths)
    }()

    /// The error for a key path that is neither a known key nor a known section.
    func unknownKeyError(_ path: String, source: ConfigurationSource?) -> ConfigurationError {
        let kind = path.contains(".") ? "unknown key" : "unknown section or key"
        let reason = suggestion(for: path).map { "\(kind); did you mean \($0)?" } ?? kind
        return ConfigurationError(.unknownKey, keyPath: path, reason: reason, source: source)
    }

    /// The known name closest to a mistyped one: a sibling within a few edits (answered by its
    /// short name, `maxWorkers`), else the same name in another section (answered by full path).
    func suggestion(for path: String) -> String? {
        var components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let name = components.removeLast()
        let parent = components.joined(separator: ".")
        let tolerance = max(1, min(3, name.count / 3))
        if let siblings = children[parent] {
            let scored = siblings.map { ($0, KeyCatalogue.editDistance($0.lowercased(), name.lowercased())) }
            if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= tolerance {
                return best.0
            }
        }
        let elsewhere = (keyPaths + sections.sorted()).filter {
            $0.split(separator: ".").last.map { $0.lowercased() == name.lowercased() } ?? false
        }
        return elsewhere.first
    }

    /// Levenshtein distance; key names are short, so the quadratic table is fine.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
