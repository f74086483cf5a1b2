import ArgumentParser
import DroverConfig
import FoundationEssentials
import Glibc

/// `drover config …`: configuration tools.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file, or show the effective configuration.",
        subcommands: [Check.self, Show.self]
    )

    /// `drover config check FILE`: exit 0 and say `ok`, or print what is wrong and exit 1.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file; the error names the key, the reason and the line.",
            discussion: """
                The environment (DROVER_* variables, RAG_PROCESSING_MODE) is applied as `drover serve` \
                would apply it, so a passing check means start-up will accept the configuration.
                """
        )

        @Argument(help: "The YAML configuration file.")
        var file: String

        @Flag(help: "Check the file alone, without DROVER_* and RAG_PROCESSING_MODE from the environment.")
        var ignoreEnvironment = false

        func run() async throws {
            let environment = ignoreEnvironment ? [:] : ProcessInfo.processInfo.environment
            let config = try ConfigCommand.load(file: file, environment: environment)
            let supervisor = config.supervisor
            print("ok: \(file) (mode \(config.mode.rawValue), workers \(supervisor.workers), "
                + "concurrency \(supervisor.concurrency), listen \(config.http.listen), "
                + "redis \(config.redis.url.isEmpty ? "embedded" : "external"))")
        }
    }

    /// `drover config show [FILE]`: every key with its effective value, the auth token masked.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (defaults, FILE, then the environment) as key: value lines."
        )

        @Argument(help: "A YAML configuration file; without one, defaults and the environment only.")
        var file: String?

        func run() async throws {
            let config = try ConfigCommand.load(file: file, environment: ProcessInfo.processInfo.environment)
            print("# effective configuration from \(file ?? "defaults") and the environment")
            for (keyPath, value) in config.keyValues(maskingSecrets: true) {
                print("\(keyPath): \(ConfigCommand.rendered(value))")
            }
        }
    }

    /// Loads, or prints the error to stderr and exits 1; warns about `DROVER_…` typos on the way.
    static func load(file: String?, environment: [String: String]) throws -> DroverConfiguration {
        for (variable, suggestion) in ConfigurationEnvironment.unrecognizedVariables(in: environment) {
            let hint = suggestion.map { "; did you mean \($0)?" } ?? ""
            printError("warning: environment variable \(variable) is not a Drover setting\(hint)")
        }
        do {
            return try DroverConfiguration.load(file: file, environment: environment)
        } catch {
            // Name the file when the problem is in it; other errors already say where they come from.
            let inFile = error.line != nil || error.code == .invalidSyntax
            let location = inFile ? "\(file ?? "configuration"): " : ""
            printError("error: \(location)\(error)")
            throw ExitCode(1)
        }
    }

    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        // write(2) rather than stderr's FILE*: a C global that strict concurrency rightly refuses.
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Quotes what YAML would otherwise misread: empty strings, and text with `: ` or `#`.
    static func rendered(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains(": ") || value.contains(" #") || value.hasPrefix("[")
            || value.hasPrefix("<") || value.hasPrefix("*") || value.hasPrefix("&")
        guard needsQuotes else { return value }
        return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
