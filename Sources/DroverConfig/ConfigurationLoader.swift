import Configuration

/// Reads typed values by key path through a `ConfigReader`, recording every key it is asked for.
///
/// Each read falls back to the given default when no source sets the key, turns a value the
/// reader cannot convert into a `wrongType` error, and checks the range; every error names the
/// key and where its value came from.
struct ConfigurationLoader {
    private let reader: ConfigReader
    let origins: ConfigurationOrigins
    /// The process environment, for defaults that come from it (`$RUNTIME_DIRECTORY`).
    let environment: [String: String]
    /// Every key path read so far, in order.
    private(set) var keyPaths: [String] = []

    init(reader: ConfigReader, origins: ConfigurationOrigins, environment: [String: String]) {
        self.reader = reader
        self.origins = origins
        self.environment = environment
    }

    /// A loader with no sources, used once to list the known keys.
    static func recordingKeys() -> ConfigurationLoader {
        ConfigurationLoader(
            reader: ConfigReader(provider: InMemoryProvider(values: [:])),
            origins: ConfigurationOrigins(), environment: [:])
    }

    /// An error about `path`, attributed to the source that set it (if any did).
    func error(_ code: ConfigurationError.Code, _ path: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(code, keyPath: path, reason: reason, source: origins.origin(of: path)?.source)
    }

    // MARK: - Typed reads

    mutating func int(
        _ path: String, default value: Int, min lower: Int, max upper: Int = .max
    ) throws(ConfigurationError) -> Int {
        let number = try read(path, default: value, expected: "a whole number", parses: { Int($0) != nil }) {
            try $0.requiredInt(forKey: $1)
        }
        guard number >= lower, number <= upper else {
            let bound = upper == .max ? "must be at least \(lower)" : "must be between \(lower) and \(upper)"
            throw error(.invalidValue, path, "\(bound), got \(number)")
        }
        return number
    }

    mutating func double(
        _ path: String, default value: Double, min lower: Double, max upper: Double = .infinity
    ) throws(ConfigurationError) -> Double {
        let number = try read(path, default: value, expected: "a number", parses: { Double($0) != nil }) {
            try $0.requiredDouble(forKey: $1)
        }
        guard number.isFinite, number >= lower, number <= upper else {
            let bound = upper == .infinity ? "must be at least \(lower)" : "must be between \(lower) and \(upper)"
            throw error(.invalidValue, path, "\(bound), got \(number)")
        }
        return number
    }

    mutating func bool(_ path: String, default value: Bool) throws(ConfigurationError) -> Bool {
        try read(path, default: value, expected: "true or false", parses: { Bool($0.lowercased()) != nil }) {
            try $0.requiredBool(forKey: $1)
        }
    }

    /// A string, checked by `check`, which returns the reason it is wrong or `nil` when it is fine.
    mutating func string(
        _ path: String, default value: String, isSecret: Bool = false, check: (String) -> String? = { _ in nil }
    ) throws(ConfigurationError) -> String {
        let text = try read(path, default: value, expected: "a string") {
            try $0.requiredString(forKey: $1, isSecret: isSecret)
        }
        if let reason = check(text) {
            throw error(.invalidValue, path, reason)
        }
        return text
    }

    mutating func stringArray(_ path: String, default value: [String]) throws(ConfigurationError) -> [String] {
        try read(path, default: value, expected: "a list") { try $0.requiredStringArray(forKey: $1) }
    }

    /// One of the cases of `Choice`, by raw value.
    mutating func choice<Choice: RawRepresentable<String> & CaseIterable>(
        _ path: String, default value: Choice
    ) throws(ConfigurationError) -> Choice {
        let text = try read(path, default: value.rawValue, expected: "a string") { try $0.requiredString(forKey: $1) }
        guard let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(.invalidValue, path, "must be one of \(names), got \"\(text)\"")
        }
        return choice
    }

    /// `auto` or a whole number.
    mutating func workerCount(_ path: String, default value: WorkerCount) throws(ConfigurationError) -> WorkerCount {
        let text = try read(path, default: value.description, expected: "auto or a whole number") {
            try $0.requiredString(forKey: $1)
        }
        guard let count = WorkerCount(text) else {
            throw error(.wrongType, path, "expected auto or a whole number, got \"\(text)\"")
        }
        // Bounds are relative to minWorkers and maxWorkers, so `validate` checks them.
        return count
    }

    private mutating func read<Value>(
        _ path: String, default value: Value, expected: String,
        // Whether the text, unquoted, would have been read fine: then the quotes are the mistake.
        parses: (String) -> Bool = { _ in false },
        _ get: (ConfigReader, ConfigKey) throws -> Value
    ) throws(ConfigurationError) -> Value {
        keyPaths.append(path)
        do {
            return try get(reader, ConfigKey(path))
        } catch {
            // The reader throws both for "no source has it" and for "cannot convert"; which one it
            // was is known from whether any source set the key.
            guard let origin = origins.origin(of: path) else { return value }
            var reason = "expected \(expected), got \"\(origin.text)\""
            if origin.isQuoted, parses(origin.text) {
                reason += "; quoted values are strings in YAML, so drop the quotes"
            }
            throw ConfigurationError(.wrongType, keyPath: path, reason: reason, source: origin.source)
        }
    }
}
