/// Which source set each key, and the text it was set to, by the same precedence as the reader.
///
/// The reader says only "a value" or "an error"; this tells a missing key (use the default) from a
/// badly typed one, and lets every error name the line, variable or flag to fix.
struct ConfigurationOrigins: Sendable {
    /// The source of one key's value and that value as written.
    struct Origin: Sendable {
        let source: ConfigurationSource
        let text: String
        /// A quoted YAML value: always a string, even when it reads like a number.
        var isQuoted = false
    }

    var flags: [String: String] = [:]
    var environment: [String: String] = [:]
    var file = ConfigurationFileIndex.empty

    /// The source that wins for `path`: flags, then `DROVER_…`, then `RAG_PROCESSING_MODE`, then the file.
    func origin(of path: String) -> Origin? {
        if let text = flags[path] {
            return Origin(source: .flag, text: text)
        }
        let variable = ConfigurationEnvironment.variableName(for: path)
        if let text = environment[variable] {
            return Origin(source: .environment(variable: variable), text: text)
        }
        if path == "mode", let text = environment[ConfigurationEnvironment.modeVariable] {
            return Origin(source: .environment(variable: ConfigurationEnvironment.modeVariable), text: text)
        }
        if let entry = file.entries[path] {
            return Origin(source: .file(line: entry.line), text: entry.text, isQuoted: entry.isQuoted)
        }
        return nil
    }
}
