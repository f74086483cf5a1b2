import DroverHTTPClient
import NIOCore
import NIOPosix

/// One connection of the load generator, confined to its event loop: it sends one request at a
/// time, scans the answer without decoding it, and reports the status; after a failure the next
/// request opens a new connection.
///
/// This is not `HTTPClient`: a load generator shares the machine with the server it measures, so
/// it skips the pool, the futures and the HTTP codec, and costs about what `wrk` does.
final class LoadLane {
    /// How one request ended: its status, or why there is none. Called once, on the event loop.
    typealias Completion = (Result<Int, HTTPClientError>) -> Void

    private enum State {
        case disconnected
        /// The request waits for the connection being made.
        case connecting(request: ByteBuffer, since: NIODeadline, completion: Completion)
        case idle(any Channel)
        case busy(any Channel, since: NIODeadline, completion: Completion)
    }

    /// What happened, from the caller or from the connection.
    private enum Event {
        case send(ByteBuffer, Completion)
        case connected(any Channel)
        case connectFailed(any Error)
        case answered(any Channel, status: Int, keepAlive: Bool)
        case broken(any Channel, HTTPClientError)
        case expired(NIODeadline)
    }

    /// Where a lane connects, and how its answers are framed; shared by every lane of a test.
    struct Target: Sendable {
        var host: String
        var port: Int
        /// The host resolved once for the whole test, so that a server closing after every answer
        /// does not cost a name lookup per request; nil connects by name (and reports its failure).
        var address: SocketAddress?
        var timeout: TimeAmount
        /// HEAD requests: their answers have no body, whatever their headers say.
        var answersHaveNoBody = false
    }

    let eventLoop: any EventLoop
    private let target: Target
    private var timeout: TimeAmount { target.timeout }
    private var state = State.disconnected
    /// Bumped by each new connection attempt, so a late connect result for an abandoned attempt is
    /// told apart from the current one.
    private var attempt = 0

    init(eventLoop: any EventLoop, target: Target) {
        self.eventLoop = eventLoop
        self.target = target
    }

    /// Sends `request` (a whole HTTP/1.1 request), connecting first if needed. One at a time.
    func send(_ request: ByteBuffer, completion: @escaping Completion) {
        handle(.send(request, completion))
    }

    /// Fails the request under way if it has run longer than the timeout.
    func expireIfOverdue(now: NIODeadline) {
        handle(.expired(now))
    }

    var isIdle: Bool {
        switch state {
        case .disconnected, .idle: true
        case .connecting, .busy: false
        }
    }

    /// Closes the connection, if there is one. Only once the lane is idle.
    func close() {
        if case .idle(let channel) = state { channel.close(promise: nil) }
        state = .disconnected
    }

    /// Every transition of the lane; completions run after the new state is set, so a completion
    /// may send the next request at once.
    private func handle(_ event: Event) {
        eventLoop.assertInEventLoop()
        var finished: (Completion, Result<Int, HTTPClientError>)?
        switch (state, event) {
        case (.idle(let channel), .send(let request, let completion)):
            state = .busy(channel, since: .now(), completion: completion)
            channel.writeAndFlush(request, promise: nil)
        case (.disconnected, .send(let request, let completion)):
            state = .connecting(request: request, since: .now(), completion: completion)
            connect()
        case (.connecting(let request, let since, let completion), .connected(let channel)):
            state = .busy(channel, since: since, completion: completion)
            channel.writeAndFlush(request, promise: nil)
        case (.connecting(_, _, let completion), .connectFailed(let error)):
            state = .disconnected
            finished = (completion, .failure(HTTPClient.connectError(error, target: "\(target.host):\(target.port)", timeout: timeout)))
        case (.busy(let current, _, let completion), .answered(let channel, let status, let keepAlive)) where current === channel:
            if keepAlive {
                state = .idle(channel)
            } else {
                state = .disconnected
                channel.close(promise: nil)
            }
            finished = (completion, .success(status))
        case (.busy(let current, _, let completion), .broken(let channel, let error)) where current === channel:
            state = .disconnected
            channel.close(promise: nil)
            finished = (completion, .failure(error))
        case (.idle(let current), .broken(let channel, _)) where current === channel:
            // The server closed a kept-alive connection between requests: the next one reconnects.
            state = .disconnected
            channel.close(promise: nil)
        case (.busy(let channel, let since, let completion), .expired(let now)) where now - since >= timeout:
            state = .disconnected
            channel.close(promise: nil)
            finished = (completion, .failure(overdue()))
        case (.connecting(_, let since, let completion), .expired(let now)) where now - since >= timeout:
            state = .disconnected
            attempt += 1
            finished = (completion, .failure(overdue()))
        case (.connecting, .send), (.busy, .send):
            preconditionFailure("a lane sends one request at a time")
        case (_, .answered(let channel, _, _)), (_, .broken(let channel, _)), (_, .connected(let channel)):
            // A connection this lane already gave up on (after a timeout) speaks late: drop it.
            if !isCurrent(channel) { channel.close(promise: nil) }
        case (_, .expired), (_, .connectFailed):
            break
        }
        if let (completion, result) = finished { completion(result) }
    }

    private func isCurrent(_ channel: any Channel) -> Bool {
        switch state {
        case .idle(let current), .busy(let current, _, _): current === channel
        case .disconnected, .connecting: false
        }
    }

    private func overdue() -> HTTPClientError {
        HTTPClientError(.requestTimeout, "no complete answer within \(timeout.nanoseconds / 1_000_000) ms")
    }

    private func connect() {
        attempt += 1
        let mine = attempt
        let lane = NIOLoopBound(self, eventLoop: eventLoop)
        let noBodies = target.answersHaveNoBody
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler(lane: lane, answersHaveNoBody: noBodies))
                }
            }
        let connecting = target.address.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: target.host, port: target.port)
        connecting
            .hop(to: eventLoop)
            .assumeIsolated()
            .whenComplete { result in
                let lane = lane.value
                guard mine == lane.attempt else {
                    // Given up on (timed out) while connecting.
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel): lane.handle(.connected(channel))
                case .failure(let error): lane.handle(.connectFailed(error))
                }
            }
    }

    /// Scans the bytes of the lane's connection into answers.
    private final class ResponseHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        let lane: NIOLoopBound<LoadLane>
        var scanner: ResponseScanner
        var buffered = ByteBuffer()

        init(lane: NIOLoopBound<LoadLane>, answersHaveNoBody: Bool) {
            self.lane = lane
            self.scanner = ResponseScanner(answersHaveNoBody: answersHaveNoBody)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            if buffered.readableBytes == 0 {
                buffered = bytes
            } else {
                buffered.writeBuffer(&bytes)
            }
            while true {
                switch scanner.scan(&buffered) {
                case .needMore:
                    buffered.discardReadBytes()
                    return
                case .response(let status, let keepAlive):
                    lane.value.handle(.answered(context.channel, status: status, keepAlive: keepAlive))
                    if !keepAlive { return }
                case .malformed(let problem):
                    lane.value.handle(.broken(context.channel, HTTPClientError(.malformedResponse, problem)))
                    return
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            switch scanner.endOfStream(bufferedBytes: buffered.readableBytes) {
            case .response(let status, let keepAlive):
                lane.value.handle(.answered(context.channel, status: status, keepAlive: keepAlive))
            case .malformed(let problem):
                lane.value.handle(.broken(context.channel, HTTPClientError(.connectionClosed, problem)))
            case .needMore, nil:
                lane.value.handle(.broken(context.channel, HTTPClientError(.connectionClosed, "the server closed the connection")))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            lane.value.handle(.broken(context.channel, HTTPClientError(.connectionClosed, "the connection failed: \(error)")))
        }
    }
}
