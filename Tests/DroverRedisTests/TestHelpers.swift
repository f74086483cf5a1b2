import DroverRedis
import DroverTestSupport

/// The `RedisError` a call threw, or nil if it returned (or threw something else).
func redisError(_ body: () async throws -> Void) async -> RedisError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? RedisError
    }
}

/// Options that give up quickly, for tests that expect a connect to fail.
func quickFailOptions(attempts: Int = 2) -> RedisOptions {
    var options = RedisOptions()
    options.connectTimeout = .seconds(1)
    options.reconnectAttempts = attempts
    options.reconnectBaseDelay = .milliseconds(5)
    options.reconnectMaxDelay = .milliseconds(20)
    return options
}

extension RedisReply {
    /// A bulk string reply holding `text`.
    static func text(_ text: String) -> RedisReply { .string(Array(text.utf8)) }
}
