import Configuration
import FoundationEssentials

extension DroverConfiguration {
    /// Loads the configuration: defaults, then the file, then the environment, then flags.
    ///
    /// - Parameters:
    ///   - file: a YAML file; `nil` for none. An empty file is valid and sets nothing.
    ///   - environment: `DROVER_<KEY_PATH>` variables (see ``ConfigurationEnvironment``),
    ///     `RAG_PROCESSING_MODE`, and systemd's `RUNTIME_DIRECTORY`/`STATE_DIRECTORY` as defaults.
    ///   - overrides: values from flags; they win over everything.
    /// - Throws: the first problem found, naming the key, the reason and the line or variable.
    ///   Unknown keys are reported before bad values, since a typo is usually the real mistake.
    public static func load(
        file: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: ConfigurationOverrides = .none
    ) throws(ConfigurationError) -> DroverConfiguration {
        let catalogue = KeyCatalogue.shared
        var origins = ConfigurationOrigins()
        origins.environment = environment
        origins.flags = overrides.keyedValues
        for path in origins.flags.keys.sorted() where !catalogue.leaves.contains(path) {
            throw catalogue.unknownKeyError(path, source: .flag)
        }

        let droverMode = environment[ConfigurationEnvironment.variableName(for: "mode")]
        if let droverMode, let ragMode = environment[ConfigurationEnvironment.modeVariable], droverMode != ragMode {
            throw ConfigurationError(
                .inconsistent, keyPath: "mode",
                reason: "\(ConfigurationEnvironment.modeVariable)=\(ragMode) and "
                    + "\(ConfigurationEnvironment.variableName(for: "mode"))=\(droverMode) disagree; set one",
                source: .environment(variable: ConfigurationEnvironment.modeVariable))
        }

        var providers: [any ConfigProvider] = [
            ConfigurationEnvironment.flagProvider(origins.flags),
            ConfigurationEnvironment.provider(environment),
        ]
        if let ragMode = environment[ConfigurationEnvironment.modeVariable] {
            providers.append(InMemoryProvider(
                name: ConfigurationEnvironment.modeVariable,
                values: [AbsoluteConfigKey(["mode"]): ConfigValue(.string(ragMode), isSecret: false)]))
        }
        if let file {
            let bytes = try ConfigurationFile.read(path: file)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ConfigurationError(.fileUnreadable, keyPath: nil, reason: "\(file): not UTF-8 text")
            }
            origins.file = try ConfigurationFileIndex(parsing: text, catalogue: catalogue)
            if origins.file.hasDocument {
                providers.append(try fileProvider(bytes: bytes, path: file))
            }
        }

        var loader = ConfigurationLoader(
            reader: ConfigReader(providers: providers), origins: origins, environment: environment)
        let config = try read(from: &loader)
        try config.validate(loader)
        return config
    }

    private static func fileProvider(bytes: [UInt8], path: String) throws(ConfigurationError) -> SnapshotProvider {
        do {
            let snapshot = try YAMLSnapshot(data: bytes.span.bytes, providerName: path, parsingOptions: .default)
            return SnapshotProvider(providerName: path, base: snapshot)
        } catch {
            // The Yams walk has already accepted the document, so this is a shape only the
            // snapshot refuses; say what it said.
            throw ConfigurationError(.invalidSyntax, keyPath: nil, reason: "\(path): \(error)")
        }
    }
}
