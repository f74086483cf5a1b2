import DroverCache
import DroverConfig
import DroverHTTPClient
import DroverHTTPHandler
import DroverQueue
import DroverRAG
import DroverRAGHandlers
import DroverRAGOpenAI
import DroverRAGRedis
import DroverRedis
import DroverWorker

/// Builds a worker's RAG pipeline: the engine over the shared Redis index, configured from
/// `cache.*` and `rag.*`, and the `http` handlers for job types that have an upstream. Both read
/// through one two-tier cache, so `cache.l1MB` bounds the worker's L1 and one set of counters
/// reaches its heartbeats.
struct RAGWorkerSetup: Sendable {
    let engine: RAGEngine
    let store: RedisRAGStore
    let redisOptions: RedisOptions
    let upstreams: [JobType: HTTPUpstreamHandler]

    /// Throws when `rag.*` cannot be used: an upstream URL the client refuses, or an `openai`
    /// embedder of unknown dimensions whose model did not answer the probe.
    init(settings: DroverConfiguration, url: RedisURL, options: RedisOptions, namespace: String) async throws {
        let configuration = Self.configuration(settings)
        let rag = settings.rag
        // A client of its own: index writes are large and must not delay the queue's reserve and ack calls.
        store = RedisRAGStore(client: RedisClient(url: url, options: options), namespace: namespace)
        let cache = TwoTierCache(l1Bytes: configuration.l1Bytes, shared: store)
        let upstreamCache = UpstreamCache(
            tiers: cache, queriesSeconds: configuration.queriesTTLSeconds, answersSeconds: configuration.answersTTLSeconds)
        var upstreams: [JobType: HTTPUpstreamHandler] = [:]
        var embedder: any Embedder = HashingEmbedder()
        var generator: any AnswerGenerator = ExtractiveGenerator()
        // Only a worker that calls out gets a client (and the event loop threads it starts).
        if !rag.upstream.isEmpty || rag.embedder == .openai || rag.generator == .openai {
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.requestTimeout = .milliseconds(rag.openAI.timeoutMs)
            let client = HTTPClient(configuration: clientConfiguration)
            for (type, upstream) in rag.upstream {
                guard let jobType = JobType(rawValue: type) else { continue }
                upstreams[jobType] = try HTTPUpstreamHandler(url: upstream, client: client, cache: upstreamCache)
            }
            (embedder, generator) = try await Self.models(rag, client: client)
        }
        engine = RAGEngine(store: store, embedder: embedder, generator: generator, configuration: configuration, cache: cache)
        redisOptions = options
        self.upstreams = upstreams
    }

    /// The pipeline's settings from `cache.*` and `rag.chunk*`; `single` mode builds its engine with them too.
    static func configuration(_ settings: DroverConfiguration) -> RAGConfiguration {
        var configuration = RAGConfiguration()
        configuration.l1Bytes = settings.cache.l1MB << 20
        configuration.embeddingsTTLSeconds = settings.cache.ttl.embeddingsS
        configuration.queriesTTLSeconds = settings.cache.ttl.queriesS
        configuration.answersTTLSeconds = settings.cache.ttl.answersS
        configuration.chunking = ChunkingOptions(size: settings.rag.chunkSize, overlap: settings.rag.chunkOverlap)
        return configuration
    }

    /// The embedder and generator `rag.embedder` and `rag.generator` name; the `openai` ones share one endpoint.
    private static func models(
        _ rag: RAGPipelineConfiguration, client: HTTPClient
    ) async throws -> (any Embedder, any AnswerGenerator) {
        guard rag.embedder == .openai || rag.generator == .openai else { return (HashingEmbedder(), ExtractiveGenerator()) }
        let settings = rag.openAI
        var endpoint = try OpenAIEndpoint(baseURL: settings.baseURL, apiKey: settings.apiKey, client: client)
        endpoint.timeout = .milliseconds(settings.timeoutMs)
        endpoint.retries = settings.retries
        var embedder: any Embedder = HashingEmbedder()
        if rag.embedder == .openai {
            var openAI = settings.dimensions > 0
                ? OpenAIEmbedder(endpoint: endpoint, model: settings.embeddingModel, dimensions: settings.dimensions)
                : try await OpenAIEmbedder.probing(endpoint: endpoint, model: settings.embeddingModel)
            openAI.batchSize = settings.batchSize
            embedder = openAI
        }
        let generator: any AnswerGenerator = rag.generator == .openai
            ? OpenAIChatGenerator(endpoint: endpoint, model: settings.chatModel) : ExtractiveGenerator()
        return (embedder, generator)
    }

    /// The built-in handlers, with the `http` handler in place of each type that has an upstream.
    var handlers: [JobType: any JobHandler] {
        RAGHandlers.make(engine: engine).merging(upstreams.mapValues { $0 as any JobHandler }) { _, upstream in upstream }
    }

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
