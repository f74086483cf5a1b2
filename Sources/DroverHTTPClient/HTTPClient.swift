import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 client over plain TCP (no TLS: `https://` is refused with `.unsupportedScheme`).
///
/// Connections are kept alive and reused, at most `maxConnectionsPerHost` per `host:port`. A
/// connection whose exchange failed or timed out is closed, never reused. Safe to share: one client
/// per process is the intended use. Call `shutdown()` when done.
public final class HTTPClient: Sendable {
    /// Limits and timeouts.
    public struct Configuration: Sendable, Hashable {
        /// How long opening a TCP connection may take.
        public var connectTimeout: Duration = .seconds(5)
        /// How long a whole exchange may take, waiting for a free connection included; a request's
        /// own `timeout` overrides it. For a stream, this bounds the whole body too.
        public var requestTimeout: Duration = .seconds(30)
        public var maxConnectionsPerHost = 8
        /// Idle connections kept per host beyond which a returned connection is closed.
        public var maxIdleConnectionsPerHost = 8
        public var userAgent = "drover"

        public init() {}
    }

    public let configuration: Configuration
    let group: any EventLoopGroup
    let pool: ConnectionPool

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup.singleton
        self.pool = ConnectionPool(
            maxPerHost: configuration.maxConnectionsPerHost, maxIdlePerHost: configuration.maxIdleConnectionsPerHost)
    }

    /// Sends `request` and reads the whole response, up to `request.maxResponseBytes` of body.
    public func send(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        try await Self.answer(execute(request))
    }

    /// Sends `request` and answers once the response head arrived; the body follows as a stream.
    public func stream(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPStreamingResponse {
        try await Self.answer(perform(request) { eventLoop in
            let promise = eventLoop.makePromise(of: HTTPStreamingResponse.self)
            return (.stream(promise), promise.futureResult)
        })
    }

    /// `send` without Swift concurrency: the future fails with an `HTTPClientError`. Callbacks run
    /// on the connection's event loop, so a caller that sends its next request from there stays on
    /// one thread for the whole exchange: what a load generator needs.
    public func execute(_ request: HTTPRequest) -> EventLoopFuture<HTTPResponse> {
        perform(request) { eventLoop in
            let promise = eventLoop.makePromise(of: HTTPResponse.self)
            return (.collect(promise, limit: request.maxResponseBytes), promise.futureResult)
        }
    }

    /// Closes idle connections and refuses new requests; exchanges under way finish first.
    public func shutdown() async {
        pool.shutdown()
    }

    private static func answer<Answer: Sendable>(_ future: EventLoopFuture<Answer>) async throws(HTTPClientError) -> Answer {
        do {
            return try await future.get()
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.connectionClosed, "\(error)")
        }
    }

    private func perform<Answer: Sendable>(
        _ request: HTTPRequest,
        _ makeSink: @escaping @Sendable (any EventLoop) -> (HTTPExchange.Sink, EventLoopFuture<Answer>)
    ) -> EventLoopFuture<Answer> {
        let timeout = request.timeout ?? configuration.requestTimeout
        let exchange = PreparedExchange(
            key: ConnectionPool.Key(address: request.connectAddress ?? request.url.host, port: request.url.port),
            head: head(for: request), body: request.body.isEmpty ? nil : ByteBuffer(bytes: request.body),
            deadline: NIODeadline.now() + Self.timeAmount(timeout), idempotent: request.isIdempotent)
        return attempt(exchange, retried: false, makeSink)
    }

    /// What every attempt of one request shares.
    private struct PreparedExchange: Sendable {
        let key: ConnectionPool.Key
        let head: HTTPRequestHead
        let body: ByteBuffer?
        let deadline: NIODeadline
        let idempotent: Bool
    }

    private func attempt<Answer: Sendable>(
        _ prepared: PreparedExchange, retried: Bool,
        _ makeSink: @escaping @Sendable (any EventLoop) -> (HTTPExchange.Sink, EventLoopFuture<Answer>)
    ) -> EventLoopFuture<Answer> {
        let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        let pool = self.pool
        let key = prepared.key
        return pool.acquire(key, deadline: prepared.deadline, eventLoop: eventLoop).flatMap { grant in
            switch grant {
            case .connection(let channel):
                return Self.exchange(on: channel, prepared, pool: pool, makeSink).flatMapError { error in
                    // A kept-alive connection the server closed just as it was reused: an idempotent
                    // request goes once more, on a fresh connection.
                    if !retried, prepared.idempotent, (error as? HTTPClientError)?.code == .connectionClosed,
                       NIODeadline.now() < prepared.deadline {
                        return self.attempt(prepared, retried: true, makeSink)
                    }
                    return channel.eventLoop.makeFailedFuture(error)
                }
            case .open:
                return self.connect(key, deadline: prepared.deadline, eventLoop: eventLoop)
                    .flatMapError { error in
                        pool.release(key, nil, reusable: false)
                        return eventLoop.makeFailedFuture(error)
                    }
                    .flatMap { channel in Self.exchange(on: channel, prepared, pool: pool, makeSink) }
            }
        }
    }

    private static func exchange<Answer: Sendable>(
        on channel: any Channel, _ prepared: PreparedExchange, pool: ConnectionPool,
        _ makeSink: (any EventLoop) -> (HTTPExchange.Sink, EventLoopFuture<Answer>)
    ) -> EventLoopFuture<Answer> {
        let (sink, answer) = makeSink(channel.eventLoop)
        let key = prepared.key
        let exchange = HTTPExchange(head: prepared.head, body: prepared.body, deadline: prepared.deadline, sink: sink) { reusable in
            pool.release(key, channel, reusable: reusable)
        }
        // The handler succeeds the write once it owns the exchange; a failed write never reached
        // it (the channel was already torn down), so the exchange ends here.
        channel.writeAndFlush(exchange).whenFailure { _ in
            exchange.sink.fail(HTTPClientError(.connectionClosed, "the connection closed before the request was sent"))
            exchange.finished(false)
        }
        return answer
    }

    private func head(for request: HTTPRequest) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 3)
        headers.add(name: "Host", value: request.url.hostHeader)
        var hasUserAgent = false
        for header in request.headers {
            if header.name.equalsIgnoringASCIICase("content-length") || header.name.equalsIgnoringASCIICase("host") { continue }
            hasUserAgent = hasUserAgent || header.name.equalsIgnoringASCIICase("user-agent")
            headers.add(name: header.name, value: header.value)
        }
        if !hasUserAgent { headers.add(name: "User-Agent", value: configuration.userAgent) }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.url.target, headers: headers)
    }

    private func connect(_ key: ConnectionPool.Key, deadline: NIODeadline, eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let remaining = deadline - NIODeadline.now()
        let configured = Self.timeAmount(configuration.connectTimeout)
        let connectTimeout = min(configured, max(remaining, .milliseconds(1)))
        // When the request's own deadline is the shorter limit, running out of it is a request timeout.
        let deadlineBound = connectTimeout < configured
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler())
                }
            }
        let target = "\(key.address):\(key.port)"
        let connected: EventLoopFuture<any Channel>
        if let numeric = try? SocketAddress(ipAddress: key.address, port: key.port) {
            connected = bootstrap.connect(to: numeric)
        } else {
            connected = bootstrap.connect(host: key.address, port: key.port)
        }
        return connected.flatMapErrorThrowing { error in
            let failure = Self.connectError(error, target: target, timeout: connectTimeout)
            if deadlineBound && failure.code == .connectTimeout {
                throw HTTPClientError(.requestTimeout, "no response within the request timeout: still connecting to \(target)")
            }
            throw failure
        }
    }

    package static func connectError(_ error: any Error, target: String, timeout: TimeAmount) -> HTTPClientError {
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return HTTPClientError(.resolutionFailed, "cannot resolve \(error.host): \(error.dnsAError ?? error.dnsAAAAError!)")
            }
            if let first = error.connectionErrors.first {
                return connectError(first.error, target: target, timeout: timeout)
            }
        }
        if case ChannelError.connectTimeout = error {
            return HTTPClientError(.connectTimeout, "connecting to \(target) took longer than \(timeout.nanoseconds / 1_000_000) ms")
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return HTTPClientError(.connectionRefused, "connection to \(target) refused: nothing listens there")
        }
        if error is NIOConnectionError || error is SocketAddressError {
            return HTTPClientError(.resolutionFailed, "cannot resolve \(target): \(error)")
        }
        return HTTPClientError(.connectFailed, "cannot connect to \(target): \(error)")
    }

    package static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let clamped = min(max(seconds, 0), 315_360_000)
        return .nanoseconds(clamped * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Open connections to `url`'s host and port (idle or busy): for tests and diagnostics.
    public func openConnections(to url: HTTPURL) -> Int {
        pool.openConnections(ConnectionPool.Key(address: url.host, port: url.port))
    }
}
