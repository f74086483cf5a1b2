extension DroverConfiguration {
    /// What `http.auth.token` shows as when masked.
    public static let maskedSecret = "<set, hidden>"

    /// Every key with its effective value as text, in the order of `Config/drover.yaml`.
    ///
    /// Each value is written the way the environment or ``ConfigurationOverrides/values`` takes it
    /// (lists comma-separated), so feeding the pairs back as overrides gives the same configuration.
    /// - Parameter maskingSecrets: show `http.auth.token` and `rag.openai.apiKey` as ``maskedSecret`` (when set), for printing.
    public func keyValues(maskingSecrets: Bool = true) -> [(keyPath: String, value: String)] {
        let token = maskingSecrets && !http.auth.token.isEmpty ? Self.maskedSecret : http.auth.token
        let apiKey = maskingSecrets && !rag.openAI.apiKey.isEmpty ? Self.maskedSecret : rag.openAI.apiKey
        let upstreams = RAGPipelineConfiguration.upstreamTypes.map { ("rag.upstream.\($0)", rag.upstream[$0] ?? "") }
        return [
            ("mode", mode.rawValue),
            ("redis.url", redis.url),
            ("redis.connectTimeoutMs", String(redis.connectTimeoutMs)),
            ("redis.commandTimeoutMs", String(redis.commandTimeoutMs)),
            ("http.listen", http.listen),
            ("http.bodyLimitBytes", String(http.bodyLimitBytes)),
            ("http.syncWaitMs", String(http.syncWaitMs)),
            ("http.syncQueueThreshold", String(http.syncQueueThreshold)),
            ("http.auth.token", token),
            ("http.webhooks.allowHosts", http.webhooks.allowHosts.joined(separator: ",")),
            ("http.webhooks.timeoutMs", String(http.webhooks.timeoutMs)),
            ("http.webhooks.retries", String(http.webhooks.retries)),
            ("supervisor.workers", supervisor.workers.description),
            ("supervisor.minWorkers", String(supervisor.minWorkers)),
            ("supervisor.maxWorkers", supervisor.maxWorkers.description),
            ("supervisor.spareWorkers", String(supervisor.spareWorkers)),
            ("supervisor.concurrency", String(supervisor.concurrency)),
            ("supervisor.heartbeatIntervalMs", String(supervisor.heartbeatIntervalMs)),
            ("supervisor.hangTimeoutMs", String(supervisor.hangTimeoutMs)),
            ("supervisor.maxMemoryMB", String(supervisor.maxMemoryMB)),
            ("supervisor.hardMemoryFactor", String(supervisor.hardMemoryFactor)),
            ("supervisor.drainTimeoutS", String(supervisor.drainTimeoutS)),
            ("supervisor.restart.intensity", String(supervisor.restart.intensity)),
            ("supervisor.restart.periodS", String(supervisor.restart.periodS)),
            ("supervisor.restart.backoffBaseMs", String(supervisor.restart.backoffBaseMs)),
            ("supervisor.restart.backoffMaxMs", String(supervisor.restart.backoffMaxMs)),
            ("supervisor.runtimeDirectory", supervisor.runtimeDirectory),
            ("supervisor.stateDirectory", supervisor.stateDirectory),
            ("autoscale.enabled", String(autoscale.enabled)),
            ("autoscale.scaleUpDepthPerWorker", String(autoscale.scaleUpDepthPerWorker)),
            ("autoscale.idleBeforeScaleDownS", String(autoscale.idleBeforeScaleDownS)),
            ("autoscale.cooldownS", String(autoscale.cooldownS)),
            ("autoscale.sampleIntervalMs", String(autoscale.sampleIntervalMs)),
            ("backpressure.warningThreshold", String(backpressure.warningThreshold)),
            ("backpressure.maxQueueDepth", String(backpressure.maxQueueDepth)),
            ("backpressure.cooldownMs", String(backpressure.cooldownMs)),
            ("backpressure.priorityBuckets.high", String(backpressure.priorityBuckets.high)),
            ("backpressure.priorityBuckets.normal", String(backpressure.priorityBuckets.normal)),
            ("backpressure.priorityBuckets.low", String(backpressure.priorityBuckets.low)),
            ("routing.sticky", String(routing.sticky)),
            ("routing.breaker.failures", String(routing.breaker.failures)),
            ("routing.breaker.windowS", String(routing.breaker.windowS)),
            ("routing.breaker.openS", String(routing.breaker.openS)),
            ("cache.l1MB", String(cache.l1MB)),
            ("cache.ttl.embeddingsS", String(cache.ttl.embeddingsS)),
            ("cache.ttl.queriesS", String(cache.ttl.queriesS)),
            ("cache.ttl.answersS", String(cache.ttl.answersS)),
            ("rag.chunkSize", String(rag.chunkSize)),
            ("rag.chunkOverlap", String(rag.chunkOverlap)),
            ("rag.embedder", rag.embedder.rawValue),
            ("rag.generator", rag.generator.rawValue),
            ("rag.openai.baseURL", rag.openAI.baseURL),
            ("rag.openai.apiKey", apiKey),
            ("rag.openai.embeddingModel", rag.openAI.embeddingModel),
            ("rag.openai.dimensions", String(rag.openAI.dimensions)),
            ("rag.openai.batchSize", String(rag.openAI.batchSize)),
            ("rag.openai.chatModel", rag.openAI.chatModel),
            ("rag.openai.timeoutMs", String(rag.openAI.timeoutMs)),
            ("rag.openai.retries", String(rag.openAI.retries)),
        ] + upstreams + [
            ("queues.names", queues.queueNames.joined(separator: ",")),
            ("queues.retention.completedS", String(queues.retention.completedS)),
            ("queues.retention.deadS", String(queues.retention.deadS)),
            ("queues.retention.maxCount", String(queues.retention.maxCount)),
            ("queues.retry.baseMs", String(queues.retry.baseMs)),
            ("queues.retry.jitter", String(queues.retry.jitter)),
            ("queues.retry.maxMs", String(queues.retry.maxMs)),
            ("queues.dedupWindowMs", String(queues.dedupWindowMs)),
            ("queues.idempotencyTTLS", String(queues.idempotencyTTLS)),
            ("queues.leaseGraceMs", String(queues.leaseGraceMs)),
            ("logging.level", logging.level.rawValue),
        ]
    }

    /// Every key Drover knows, as dotted paths, in the order of `Config/drover.yaml`.
    public static var knownKeyPaths: [String] { KeyCatalogue.shared.keyPaths }
}
