import DroverConfig
import DroverQueue
import DroverRAG
import DroverRAGHandlers
import DroverRAGRedis
import DroverRedis
import DroverWorker

/// Builds a worker's RAG pipeline: the engine over the shared Redis index, configured from `cache.*`.
struct RAGWorkerSetup: Sendable {
    let engine: RAGEngine
    let store: RedisRAGStore
    let redisOptions: RedisOptions

    init(settings: DroverConfiguration, url: RedisURL, options: RedisOptions, namespace: String) {
        // A client of its own: index writes are large and must not delay the queue's reserve and ack calls.
        store = RedisRAGStore(client: RedisClient(url: url, options: options), namespace: namespace)
        engine = RAGEngine(store: store, configuration: Self.configuration(settings))
        redisOptions = options
    }

    /// The pipeline's settings from `cache.*`; `single` mode builds its engine with them too.
    static func configuration(_ settings: DroverConfiguration) -> RAGConfiguration {
        var configuration = RAGConfiguration()
        configuration.l1Bytes = settings.cache.l1MB << 20
        configuration.embeddingsTTLSeconds = settings.cache.ttl.embeddingsS
        configuration.queriesTTLSeconds = settings.cache.ttl.queriesS
        configuration.answersTTLSeconds = settings.cache.ttl.answersS
        return configuration
    }

    var handlers: [JobType: any JobHandler] { RAGHandlers.make(engine: engine) }

    /// Loads the index, warms L1 with the most-asked recent queries, then follows index change events until cancelled; a broken subscription is retried after a pause,
    /// and searches stay correct meanwhile (each checks the index version itself).
    func followInvalidations() async {
        // Warm first: the follower's own first refresh then finds the index already loaded.
        try? await engine.refresh()
        await engine.warmUp()
        while !Task.isCancelled {
            try? await RAGInvalidationFollower.follow(engine: engine, store: store, options: redisOptions)
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
