import DroverRedis
import Foundation
import Synchronization

/// The `RedisError` a call threw, or nil if it returned (or threw something else).
func redisError(_ body: () async throws -> Void) async -> RedisError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? RedisError
    }
}

/// Polls `check` until it is true or `timeout` passes; generous by default, so slow machines pass.
func eventually(timeout: Duration = .seconds(20), _ check: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await check() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await check()
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

/// Collects a subscription's messages on a background task, for polling with a deadline.
final class MessageInbox: Sendable {
    private struct State {
        var messages: [RedisMessage] = []
        var finished = false
    }

    private let state = Mutex(State())

    init(_ subscription: RedisSubscription) {
        let stream = subscription.messages
        // Ends by itself when the subscription closes and finishes the stream.
        Task { [self] in
            for await message in stream {
                state.withLock { $0.messages.append(message) }
            }
            state.withLock { $0.finished = true }
        }
    }

    var messages: [RedisMessage] { state.withLock { $0.messages } }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Waits until at least `count` messages arrived; returns them (possibly fewer, on timeout).
    func waitFor(_ count: Int, timeout: Duration = .seconds(20)) async -> [RedisMessage] {
        _ = await eventually(timeout: timeout) { messages.count >= count }
        return messages
    }
}
