import DroverQueue
import DroverRedis

extension DroverConfiguration {
    /// Rules between keys, each reported against the key to change; single-key ranges are
    /// checked as the keys are read.
    func validate(_ loader: ConfigurationLoader) throws(ConfigurationError) {
        let minimum = supervisor.minWorkers
        if let maximum = supervisor.maxWorkers.fixedValue, maximum < minimum {
            throw loader.error(.inconsistent, "supervisor.maxWorkers", "must be at least minWorkers (\(minimum)), got \(maximum)")
        }
        if let workers = supervisor.workers.fixedValue {
            if workers < minimum {
                throw loader.error(.inconsistent, "supervisor.workers", "must be at least minWorkers (\(minimum)), got \(workers)")
            }
            if let maximum = supervisor.maxWorkers.fixedValue, workers > maximum {
                throw loader.error(.inconsistent, "supervisor.workers", "must be at most maxWorkers (\(maximum)), got \(workers)")
            }
        }
        if supervisor.hangTimeoutMs <= supervisor.heartbeatIntervalMs {
            throw loader.error(
                .inconsistent, "supervisor.hangTimeoutMs",
                "must be greater than heartbeatIntervalMs (\(supervisor.heartbeatIntervalMs)), got \(supervisor.hangTimeoutMs)")
        }
        let restart = supervisor.restart
        if restart.backoffMaxMs < restart.backoffBaseMs {
            throw loader.error(
                .inconsistent, "supervisor.restart.backoffMaxMs",
                "must be at least backoffBaseMs (\(restart.backoffBaseMs)), got \(restart.backoffMaxMs)")
        }
        if backpressure.warningThreshold >= backpressure.maxQueueDepth {
            throw loader.error(
                .inconsistent, "backpressure.warningThreshold",
                "must be less than maxQueueDepth (\(backpressure.maxQueueDepth)), got \(backpressure.warningThreshold)")
        }
        let buckets = backpressure.priorityBuckets
        let sum = buckets.high + buckets.normal + buckets.low
        if sum != 100 {
            // The sum has no line of its own; point at whichever bucket the operator set.
            let source = ["high", "normal", "low"].lazy
                .compactMap { loader.origins.origin(of: "backpressure.priorityBuckets." + $0)?.source }.first
            throw ConfigurationError(
                .inconsistent, keyPath: "backpressure.priorityBuckets",
                reason: "must add up to 100, got \(sum) (high \(buckets.high) + normal \(buckets.normal) + low \(buckets.low))",
                source: source)
        }
        if queues.retry.maxMs < queues.retry.baseMs {
            throw loader.error(
                .inconsistent, "queues.retry.maxMs", "must be at least baseMs (\(queues.retry.baseMs)), got \(queues.retry.maxMs)")
        }
        if mode == .distributed, redis.url.isEmpty {
            throw ConfigurationError(
                .inconsistent, keyPath: "redis.url",
                reason: "must be set in distributed mode, where every host shares one Redis",
                source: loader.origins.origin(of: "redis.url")?.source ?? loader.origins.origin(of: "mode")?.source)
        }
    }

    // MARK: - Single-value checks: each returns why the value is wrong, or nil.

    /// Checked with the Redis client's own parser, so a URL that passes here also connects the same way.
    static func redisURLProblem(_ url: String) -> String? {
        if url.isEmpty { return nil }
        do throws(RedisError) {
            _ = try RedisURL(parsing: url)
            return nil
        } catch {
            return "must be redis://[user:pass@]host[:port][/db] or unix:///path[?db=N]; \(error.message)"
        }
    }

    static func listenProblem(_ listen: String) -> String? {
        HTTPConfiguration.splitListen(listen) == nil
            ? "must be HOST:PORT with a port from 0 to 65535 ([::1]:8080 for IPv6), got \"\(listen)\""
            : nil
    }

    static func tokenProblem(_ token: String) -> String? {
        // It travels in an HTTP header: printable ASCII only, and leading/trailing space would be lost.
        let printable = token.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) }
        return printable ? nil : "must be printable ASCII without spaces"
    }

    static func hostProblem(_ host: String) -> String? {
        let bad = host.contains { $0 == "/" || $0 == ":" || $0 == "@" || $0.isWhitespace }
        return bad ? "each entry must be a bare host name such as hooks.example.com, got \"\(host)\"" : nil
    }

    static func directoryProblem(_ path: String) -> String? {
        path.hasPrefix("/") ? nil : "must be an absolute path, got \"\(path)\""
    }

    static func queueTypes(_ names: [String], loader: ConfigurationLoader) throws(ConfigurationError) -> [JobType] {
        guard !names.isEmpty else {
            throw loader.error(.invalidValue, "queues.names", "must name at least one queue")
        }
        var types: [JobType] = []
        for name in names {
            guard let type = JobType(queueName: name) else {
                let known = JobType.allCases.map(\.queueName).joined(separator: ", ")
                throw loader.error(.invalidValue, "queues.names", "\"\(name)\" is not a queue; the queues are \(known)")
            }
            guard !types.contains(type) else {
                throw loader.error(.invalidValue, "queues.names", "names \"\(name)\" twice")
            }
            types.append(type)
        }
        return types
    }
}
