import DroverRedis
import DroverTestSupport
import Synchronization

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
