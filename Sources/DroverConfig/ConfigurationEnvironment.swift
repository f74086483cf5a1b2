import Configuration

/// How configuration keys map to environment variables: `DROVER_` + the key path upper-snake-cased.
///
/// The mapping is swift-configuration's own (`EnvironmentVariablesProvider` under the `drover`
/// prefix); ``variableName(for:)`` spells it out so errors and `drover config show` can name the
/// variable, and a test checks that every key round-trips through the real provider.
public enum ConfigurationEnvironment {
    /// The prefix every Drover variable carries.
    public static let prefix = "DROVER"
    /// The DESIGN-level name for `mode`, kept for compatibility with the original service.
    public static let modeVariable = "RAG_PROCESSING_MODE"

    /// `supervisor.maxWorkers` → `DROVER_SUPERVISOR_MAX_WORKERS`, `cache.l1MB` → `DROVER_CACHE_L1MB`.
    public static func variableName(for keyPath: String) -> String {
        let components = [prefix] + keyPath.split(separator: ".").map(String.init)
        return components.map { component in
            var words = ""
            var previous: Character?
            for character in component {
                // A word starts where a lowercase letter meets an uppercase one: `maxWorkers`.
                if let previous, previous.isLowercase, character.isUppercase { words.append("_") }
                words.append(character)
                previous = character
            }
            return String(words.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        }.joined(separator: "_")
    }

    /// `DROVER_…` variables that match no key, each with the closest real name when there is one.
    ///
    /// Loading ignores them (other tools may share the prefix); callers warn, so a typo such as
    /// `DROVER_SUPERVISOR_MAX_WORKER` does not go unnoticed.
    public static func unrecognizedVariables(in environment: [String: String]) -> [(variable: String, suggestion: String?)] {
        let known = DroverConfiguration.knownKeyPaths.map(variableName(for:))
        let knownSet = Set(known)
        return environment.keys.filter { $0.hasPrefix(prefix + "_") && !knownSet.contains($0) }.sorted().map { name in
            let best = known.map { ($0, KeyCatalogue.editDistance($0, name)) }.min { $0.1 < $1.1 }
            return (name, best.flatMap { $0.1 <= 3 ? $0.0 : nil })
        }
    }

    /// The provider for `DROVER_…` variables, from a given environment.
    static func provider(_ environment: [String: String]) -> any ConfigProvider {
        EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .dynamic { name, _ in
            name == variableName(for: "http.auth.token") || name == variableName(for: "rag.openai.apiKey")
        }).prefixKeys(with: ConfigKey(prefix.lowercased()))
    }

    /// Flags as a provider: each key path becomes its `DROVER_…` name, so a flag's text is parsed
    /// exactly like the same value in the environment (numbers, `true`/`yes`/`1`, comma lists).
    static func flagProvider(_ flags: [String: String]) -> any ConfigProvider {
        let named = Dictionary(flags.map { (variableName(for: $0.key), $0.value) }, uniquingKeysWith: { _, last in last })
        return EnvironmentVariablesProvider(environmentVariables: named).prefixKeys(with: ConfigKey(prefix.lowercased()))
    }
}
