import ArgumentParser
import DroverConfig
import DroverQueue
import DroverRedis
import DroverRedisQueue

/// The options every command that reaches Redis takes.
struct QueueConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Redis URL: redis://[user:pass@]host:port/db or unix:///path?db=N. Default: redis.url from the configuration, else the embedded Redis of a local `drover serve`.")
    var redis: String?

    @Option(name: .long, help: "Configuration file (default: $DROVER_CONFIG, else built-in defaults).")
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Key namespace; isolates benchmarks and tests.", visibility: .hidden))
    var namespace: String = "drover"

    /// The configuration: file, then environment, then `--redis`; a bad one is a clear error naming the key.
    func configuration(environment: [String: String], overrides: ConfigurationOverrides = .none) throws -> DroverConfiguration {
        var overrides = overrides
        if let redis { overrides.redisURL = redis }
        let file = config ?? environment["DROVER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            return try DroverConfiguration.load(file: file, environment: environment, overrides: overrides)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The Redis URL to use: the configured one, or the socket `drover serve` gives its embedded Redis.
    static func redisURL(for configuration: DroverConfiguration) throws -> RedisURL {
        let text = configuration.redis.usesEmbeddedServer
            ? "unix://" + configuration.supervisor.runtimeDirectory + "/redis.sock"
            : configuration.redis.url
        do {
            return try RedisURL(parsing: text)
        } catch {
            throw ValidationError("redis.url: \(error)")
        }
    }

    static func redisOptions(for configuration: DroverConfiguration) -> RedisOptions {
        var options = RedisOptions()
        options.connectTimeout = .milliseconds(configuration.redis.connectTimeoutMs)
        options.commandTimeout = .milliseconds(configuration.redis.commandTimeoutMs)
        return options
    }

    func makeQueue(environment: [String: String], adjusting adjust: (inout QueuePolicy) -> Void = { _ in }) throws -> RedisJobQueue {
        let configuration = try configuration(environment: environment)
        var policy = configuration.queuePolicy
        adjust(&policy)
        return RedisJobQueue(
            url: try Self.redisURL(for: configuration), policy: policy, namespace: namespace,
            options: Self.redisOptions(for: configuration))
    }
}
