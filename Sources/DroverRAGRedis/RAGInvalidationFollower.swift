import DroverRAG
import DroverRedis

/// Keeps a worker's in-memory index in step with the shared one: subscribes to the index's
/// change events and refreshes the engine on each, until cancelled.
///
/// Events only shorten the delta: every search also checks the version itself, so a lost event
/// (pub/sub is fire-and-forget) delays nothing but the prefetch.
public enum RAGInvalidationFollower {
    public static func follow(engine: RAGEngine, store: RedisRAGStore, options: RedisOptions = .init()) async throws {
        let subscription = try await RedisSubscription.subscribe(url: store.client.url, channels: [store.eventsChannel], options: options)
        defer { subscription.close() }
        // Load what is there now, after subscribing, so no change falls between the two.
        try? await engine.refresh()
        for await _ in subscription.messages {
            try? await engine.refresh()
        }
    }
}
