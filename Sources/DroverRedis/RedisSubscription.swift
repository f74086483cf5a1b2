import Glibc
import Synchronization

/// A pub/sub subscription on its own connection (and thread); yields messages until cancelled or closed,
/// and subscribes again after a reconnect.
///
/// Pub/sub is fire-and-forget: messages published while the connection is down are not delivered.
/// `messages` has one consumer; it buffers without bound, as Redis itself disconnects a subscriber that
/// falls too far behind (`client-output-buffer-limit pubsub`).
public final class RedisSubscription: Sendable {
    public let channels: [String]
    /// The messages, in the order the server sent them; finishes after `close()`.
    public let messages: AsyncStream<RedisMessage>
    /// The write end of the pipe that wakes the subscription thread; closing it asks the thread to stop.
    private let wakeWriter: Mutex<Int32>

    private init(channels: [String], messages: AsyncStream<RedisMessage>, wakeWriter: Int32) {
        self.channels = channels
        self.messages = messages
        self.wakeWriter = Mutex(wakeWriter)
    }

    deinit {
        close()
    }

    /// Connects, subscribes to `channels`, and returns once the server has confirmed every one of them,
    /// so a message published after this returns is delivered. The first connect follows the same
    /// attempt/backoff policy as `RedisClient`; later reconnects retry until `close()`.
    public static func subscribe(
        url: RedisURL, channels: [String], options: RedisOptions = .init()
    ) async throws(RedisError) -> RedisSubscription {
        if channels.isEmpty {
            throw RedisError(.protocolError, "a subscription needs at least one channel")
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            throw RedisError(.connectionFailed, "could not create the subscription's wake-up pipe (errno \(errno))")
        }
        // Not inherited by spawned workers: they must not hold the wake-up pipe open. (pipe2 is not
        // exported by Swift's Glibc module, hence the two steps.)
        for descriptor in pipeEnds {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        let (messages, continuation) = AsyncStream.makeStream(of: RedisMessage.self)
        let subscription = RedisSubscription(channels: channels, messages: messages, wakeWriter: pipeEnds[1])
        continuation.onTermination = { [weak subscription] _ in
            subscription?.close()
        }
        let wakeReader = pipeEnds[0]
        let started: Result<Void, RedisError> = await withCheckedContinuation { ready in
            DedicatedThread.start {
                let loop = SubscriptionLoop(
                    url: url, channels: channels, options: options, wakeReader: wakeReader, messages: continuation)
                loop.run { result in ready.resume(returning: result) }
            }
        }
        if case .failure(let error) = started {
            subscription.close()
            throw error
        }
        return subscription
    }

    /// Unsubscribes by closing the connection, and finishes `messages`. Safe to call more than once.
    public func close() {
        wakeWriter.withLock { descriptor in
            if descriptor >= 0 {
                Glibc.close(descriptor)
                descriptor = -1
            }
        }
    }
}
