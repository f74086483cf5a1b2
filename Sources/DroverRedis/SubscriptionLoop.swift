import Glibc

/// The body of a subscription's thread: connect, subscribe, deliver, and reconnect until woken.
///
/// Not Sendable: it is created on, and never leaves, its thread. It owns the pipe's read end.
final class SubscriptionLoop {
    private let url: RedisURL
    private let channels: [String]
    private let options: RedisOptions
    private let backoff: ReconnectBackoff
    private let wakeReader: Int32
    private let messages: AsyncStream<RedisMessage>.Continuation

    /// How one connection's life ended.
    private enum Outcome {
        case closed
        case failed(RedisError, isPermanent: Bool)
    }

    init(
        url: RedisURL, channels: [String], options: RedisOptions, wakeReader: Int32,
        messages: AsyncStream<RedisMessage>.Continuation
    ) {
        self.url = url
        self.channels = channels
        self.options = options
        self.backoff = ReconnectBackoff(options: options)
        self.wakeReader = wakeReader
        self.messages = messages
    }

    /// Runs until the subscription is closed, or until the first subscribe fails for good.
    /// `ready` is called exactly once: after the first confirmed subscribe, or with the error that ended it.
    func run(ready: (Result<Void, RedisError>) -> Void) {
        defer {
            Glibc.close(wakeReader)
            messages.finish()
        }
        var reported = false
        let closedWhileSubscribing = RedisError(.connectionLost, "the subscription was closed while subscribing")
        var failures = 0
        while true {
            var subscribedThisTime = false
            let outcome = connectionLife {
                subscribedThisTime = true
                if !reported {
                    reported = true
                    ready(.success(()))
                }
            }
            guard case .failed(let error, let isPermanent) = outcome else {
                if !reported { ready(.failure(closedWhileSubscribing)) }
                return
            }
            // A subscription that worked and then broke starts its backoff over.
            failures = subscribedThisTime ? 1 : failures + 1
            if !reported && (isPermanent || failures >= max(1, options.reconnectAttempts)) {
                ready(.failure(error))
                return
            }
            if waitForWake(upTo: backoff.delay(afterFailures: failures)) {
                if !reported { ready(.failure(closedWhileSubscribing)) }
                return
            }
        }
    }

    /// One connection: open, subscribe, then deliver until it breaks or the subscription is closed.
    private func connectionLife(subscribed: () -> Void) -> Outcome {
        let connection: RedisConnection
        do {
            connection = try RedisConnection.open(url: url, options: options)
        } catch {
            return .failed(error.error, isPermanent: error.isPermanent)
        }
        do {
            var subscribe = RedisCommand("SUBSCRIBE")
            for channel in channels {
                subscribe.append(channel)
            }
            try connection.append(subscribe)
            // The server confirms each channel in turn; a message may arrive between two confirmations.
            var confirmed = 0
            while confirmed < channels.count {
                let reply = try connection.readReply()
                if case .error(let message) = reply {
                    return .failed(RedisError(.serverError, "SUBSCRIBE on \(url) was refused: \(message)"), isPermanent: true)
                }
                if isConfirmation(reply) { confirmed += 1 } else { deliver(reply) }
            }
            subscribed()
            return try receive(on: connection)
        } catch {
            return .failed(error, isPermanent: false)
        }
    }

    private func receive(on connection: RedisConnection) throws(RedisError) -> Outcome {
        var descriptors = [
            pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            while let reply = try connection.nextBufferedReply() {
                deliver(reply)
            }
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw RedisError(.connectionLost, "poll failed on the subscription to \(url) (errno \(errno))")
            }
            if descriptors[1].revents != 0 { return .closed }
            if descriptors[0].revents != 0 { try connection.readAvailable() }
        }
    }

    private func isConfirmation(_ reply: RedisReply) -> Bool {
        guard case .array(let parts) = reply, parts.count == 3, parts[0].string == "subscribe" else { return false }
        return true
    }

    private func deliver(_ reply: RedisReply) {
        // ["message", channel, payload]; confirmations and PING replies carry nothing to deliver.
        guard case .array(let parts) = reply, parts.count == 3, parts[0].string == "message",
            let channel = parts[1].string, let payload = parts[2].bytes
        else { return }
        messages.yield(RedisMessage(channel: channel, payload: payload))
    }

    /// Sleeps up to `duration`, returning early (with `true`) if the subscription was closed meanwhile.
    private func waitForWake(upTo duration: Duration) -> Bool {
        var descriptor = pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + duration
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            let ready = poll(&descriptor, 1, remaining.pollMilliseconds)
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { return false }
        }
    }
}
