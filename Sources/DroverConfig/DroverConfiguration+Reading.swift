extension DroverConfiguration {
    /// Ten years: the longest any seconds setting may be, so converting to milliseconds cannot overflow.
    static let maximumSeconds = 315_360_000
    /// The same ten years, for the millisecond keys.
    static let maximumMilliseconds = maximumSeconds * 1_000

    /// Reads every key, in the order of `Config/drover.yaml`, each with its default and its own range.
    ///
    /// Keys must be read unconditionally: the catalogue of known keys is whatever this reads.
    /// Rules that involve several keys live in ``validate(_:)``.
    static func read(from loader: inout ConfigurationLoader) throws(ConfigurationError) -> DroverConfiguration {
        var config = DroverConfiguration()
        let maxS = maximumSeconds, maxMs = maximumMilliseconds

        config.mode = try loader.choice("mode", default: config.mode)

        config.redis.url = try loader.string("redis.url", default: config.redis.url, check: Self.redisURLProblem)
        config.redis.connectTimeoutMs = try loader.int("redis.connectTimeoutMs", default: config.redis.connectTimeoutMs, min: 1, max: maxMs)
        config.redis.commandTimeoutMs = try loader.int("redis.commandTimeoutMs", default: config.redis.commandTimeoutMs, min: 1, max: maxMs)

        var http = config.http
        http.listen = try loader.string("http.listen", default: http.listen, check: Self.listenProblem)
        http.bodyLimitBytes = try loader.int("http.bodyLimitBytes", default: http.bodyLimitBytes, min: 1)
        http.syncWaitMs = try loader.int("http.syncWaitMs", default: http.syncWaitMs, min: 0, max: maxMs)
        http.syncQueueThreshold = try loader.int("http.syncQueueThreshold", default: http.syncQueueThreshold, min: 0)
        http.auth.token = try loader.string("http.auth.token", default: http.auth.token, isSecret: true, check: Self.tokenProblem)
        http.webhooks.allowHosts = try loader.stringArray("http.webhooks.allowHosts", default: http.webhooks.allowHosts)
            .filter { !$0.isEmpty }  // an empty environment variable means an empty list
        if let problem = http.webhooks.allowHosts.lazy.compactMap(Self.hostProblem).first {
            throw loader.error(.invalidValue, "http.webhooks.allowHosts", problem)
        }
        http.webhooks.timeoutMs = try loader.int("http.webhooks.timeoutMs", default: http.webhooks.timeoutMs, min: 1, max: maxMs)
        http.webhooks.retries = try loader.int("http.webhooks.retries", default: http.webhooks.retries, min: 0)
        config.http = http

        var supervisor = config.supervisor
        supervisor.workers = try loader.workerCount("supervisor.workers", default: supervisor.workers)
        supervisor.minWorkers = try loader.int("supervisor.minWorkers", default: supervisor.minWorkers, min: 1)
        supervisor.maxWorkers = try loader.workerCount("supervisor.maxWorkers", default: supervisor.maxWorkers)
        supervisor.spareWorkers = try loader.int("supervisor.spareWorkers", default: supervisor.spareWorkers, min: 0, max: 16)
        supervisor.concurrency = try loader.int("supervisor.concurrency", default: supervisor.concurrency, min: 1)
        supervisor.heartbeatIntervalMs = try loader.int("supervisor.heartbeatIntervalMs", default: supervisor.heartbeatIntervalMs, min: 1, max: maxMs)
        supervisor.hangTimeoutMs = try loader.int("supervisor.hangTimeoutMs", default: supervisor.hangTimeoutMs, min: 1, max: maxMs)
        supervisor.maxMemoryMB = try loader.int("supervisor.maxMemoryMB", default: supervisor.maxMemoryMB, min: 1, max: 16_777_216)
        supervisor.hardMemoryFactor = try loader.double("supervisor.hardMemoryFactor", default: supervisor.hardMemoryFactor, min: 1, max: 100)
        supervisor.drainTimeoutS = try loader.int("supervisor.drainTimeoutS", default: supervisor.drainTimeoutS, min: 0, max: maxS)
        supervisor.restart.intensity = try loader.int("supervisor.restart.intensity", default: supervisor.restart.intensity, min: 1)
        supervisor.restart.periodS = try loader.int("supervisor.restart.periodS", default: supervisor.restart.periodS, min: 1, max: maxS)
        supervisor.restart.backoffBaseMs = try loader.int("supervisor.restart.backoffBaseMs", default: supervisor.restart.backoffBaseMs, min: 1, max: maxMs)
        supervisor.restart.backoffMaxMs = try loader.int("supervisor.restart.backoffMaxMs", default: supervisor.restart.backoffMaxMs, min: 1, max: maxMs)
        // systemd's RuntimeDirectory=/StateDirectory= export these; several directories come colon-separated.
        let runtimeDefault = Self.firstPath(loader.environment["RUNTIME_DIRECTORY"]) ?? supervisor.runtimeDirectory
        let stateDefault = Self.firstPath(loader.environment["STATE_DIRECTORY"]) ?? supervisor.stateDirectory
        supervisor.runtimeDirectory = try loader.string("supervisor.runtimeDirectory", default: runtimeDefault, check: Self.directoryProblem)
        supervisor.stateDirectory = try loader.string("supervisor.stateDirectory", default: stateDefault, check: Self.directoryProblem)
        config.supervisor = supervisor

        var autoscale = config.autoscale
        autoscale.enabled = try loader.bool("autoscale.enabled", default: autoscale.enabled)
        autoscale.scaleUpDepthPerWorker = try loader.int("autoscale.scaleUpDepthPerWorker", default: autoscale.scaleUpDepthPerWorker, min: 1)
        autoscale.idleBeforeScaleDownS = try loader.int("autoscale.idleBeforeScaleDownS", default: autoscale.idleBeforeScaleDownS, min: 0, max: maxS)
        autoscale.cooldownS = try loader.int("autoscale.cooldownS", default: autoscale.cooldownS, min: 0, max: maxS)
        autoscale.sampleIntervalMs = try loader.int("autoscale.sampleIntervalMs", default: autoscale.sampleIntervalMs, min: 1, max: maxMs)
        config.autoscale = autoscale

        var backpressure = config.backpressure
        backpressure.warningThreshold = try loader.int("backpressure.warningThreshold", default: backpressure.warningThreshold, min: 0)
        backpressure.maxQueueDepth = try loader.int("backpressure.maxQueueDepth", default: backpressure.maxQueueDepth, min: 1)
        backpressure.cooldownMs = try loader.int("backpressure.cooldownMs", default: backpressure.cooldownMs, min: 0, max: maxMs)
        backpressure.priorityBuckets.high = try loader.int("backpressure.priorityBuckets.high", default: backpressure.priorityBuckets.high, min: 0, max: 100)
        backpressure.priorityBuckets.normal = try loader.int("backpressure.priorityBuckets.normal", default: backpressure.priorityBuckets.normal, min: 0, max: 100)
        backpressure.priorityBuckets.low = try loader.int("backpressure.priorityBuckets.low", default: backpressure.priorityBuckets.low, min: 0, max: 100)
        config.backpressure = backpressure

        config.routing.sticky = try loader.bool("routing.sticky", default: config.routing.sticky)
        config.routing.breaker.failures = try loader.int("routing.breaker.failures", default: config.routing.breaker.failures, min: 1)
        config.routing.breaker.windowS = try loader.int("routing.breaker.windowS", default: config.routing.breaker.windowS, min: 1, max: maxS)
        config.routing.breaker.openS = try loader.int("routing.breaker.openS", default: config.routing.breaker.openS, min: 1, max: maxS)

        config.cache.l1MB = try loader.int("cache.l1MB", default: config.cache.l1MB, min: 0)
        config.cache.ttl.embeddingsS = try loader.int("cache.ttl.embeddingsS", default: config.cache.ttl.embeddingsS, min: 1, max: maxS)
        config.cache.ttl.queriesS = try loader.int("cache.ttl.queriesS", default: config.cache.ttl.queriesS, min: 1, max: maxS)
        config.cache.ttl.answersS = try loader.int("cache.ttl.answersS", default: config.cache.ttl.answersS, min: 1, max: maxS)

        config.rag = try readRAG(from: &loader)

        var queues = config.queues
        let names = try loader.stringArray("queues.names", default: queues.queueNames).filter { !$0.isEmpty }
        queues.names = try Self.queueTypes(names, loader: loader)
        queues.retention.completedS = try loader.int("queues.retention.completedS", default: queues.retention.completedS, min: 1, max: maxS)
        queues.retention.deadS = try loader.int("queues.retention.deadS", default: queues.retention.deadS, min: 1, max: maxS)
        queues.retention.maxCount = try loader.int("queues.retention.maxCount", default: queues.retention.maxCount, min: 1)
        queues.retry.baseMs = try loader.int("queues.retry.baseMs", default: queues.retry.baseMs, min: 1, max: maxMs)
        queues.retry.jitter = try loader.double("queues.retry.jitter", default: queues.retry.jitter, min: 0, max: 1)
        queues.retry.maxMs = try loader.int("queues.retry.maxMs", default: queues.retry.maxMs, min: 1, max: maxMs)
        queues.dedupWindowMs = try loader.int("queues.dedupWindowMs", default: queues.dedupWindowMs, min: 0, max: maxMs)
        queues.idempotencyTTLS = try loader.int("queues.idempotencyTTLS", default: queues.idempotencyTTLS, min: 1, max: maxS)
        queues.leaseGraceMs = try loader.int("queues.leaseGraceMs", default: queues.leaseGraceMs, min: 0, max: maxMs)
        config.queues = queues

        config.logging.level = try loader.choice("logging.level", default: config.logging.level)
        return config
    }

    private static func readRAG(from loader: inout ConfigurationLoader) throws(ConfigurationError) -> RAGPipelineConfiguration {
        var rag = RAGPipelineConfiguration()
        rag.chunkSize = try loader.int("rag.chunkSize", default: rag.chunkSize, min: 20, max: 1_000_000)
        rag.chunkOverlap = try loader.int("rag.chunkOverlap", default: rag.chunkOverlap, min: 0)
        if rag.chunkOverlap > rag.chunkSize / 2 {
            throw loader.error(.invalidValue, "rag.chunkOverlap", "must be at most half of rag.chunkSize (\(rag.chunkSize / 2)), got \(rag.chunkOverlap)")
        }
        rag.embedder = try loader.choice("rag.embedder", default: rag.embedder)
        rag.generator = try loader.choice("rag.generator", default: rag.generator)
        var openAI = rag.openAI
        openAI.baseURL = try loader.string("rag.openai.baseURL", default: openAI.baseURL, check: Self.plainHTTPURLProblem)
        openAI.apiKey = try loader.string("rag.openai.apiKey", default: openAI.apiKey, isSecret: true)
        openAI.embeddingModel = try loader.string("rag.openai.embeddingModel", default: openAI.embeddingModel, check: Self.modelProblem)
        openAI.dimensions = try loader.int("rag.openai.dimensions", default: openAI.dimensions, min: 0, max: 65_536)
        openAI.batchSize = try loader.int("rag.openai.batchSize", default: openAI.batchSize, min: 1, max: 4_096)
        openAI.chatModel = try loader.string("rag.openai.chatModel", default: openAI.chatModel, check: Self.modelProblem)
        openAI.timeoutMs = try loader.int("rag.openai.timeoutMs", default: openAI.timeoutMs, min: 1, max: Self.maximumMilliseconds)
        openAI.retries = try loader.int("rag.openai.retries", default: openAI.retries, min: 0, max: 10)
        rag.openAI = openAI
        for type in RAGPipelineConfiguration.upstreamTypes {
            let url = try loader.string("rag.upstream.\(type)", default: "") { $0.isEmpty ? nil : Self.plainHTTPURLProblem($0) }
            if !url.isEmpty { rag.upstream[type] = url }
        }
        return rag
    }

    /// Why `url` cannot be called by Drover's HTTP client, or `nil`.
    static func plainHTTPURLProblem(_ url: String) -> String? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") {
            return "https is not supported (Drover's HTTP client has no TLS); use http:// or a local TLS-terminating proxy, got \"\(url)\""
        }
        guard lowered.hasPrefix("http://"), url.count > "http://".count else {
            return "must be an http:// URL, got \"\(url)\""
        }
        guard !url.contains(where: { $0.isWhitespace }) else { return "must not contain whitespace, got \"\(url)\"" }
        return nil
    }

    static func modelProblem(_ model: String) -> String? {
        model.allSatisfy(\.isWhitespace) ? "must name a model" : nil
    }

    private static func firstPath(_ value: String?) -> String? {
        guard let first = value?.split(separator: ":").first, !first.isEmpty else { return nil }
        return String(first)
    }
}
