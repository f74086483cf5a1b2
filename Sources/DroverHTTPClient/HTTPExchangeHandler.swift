import NIOCore
import NIOHTTP1

/// Runs one exchange at a time on a connection: writes the request, reads the response into its
/// sink, enforces the deadline, and tells the pool whether the connection can be reused.
///
/// Lives on its channel's event loop; every state change happens in `transition`-style methods here.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    /// What the connection is doing.
    enum State {
        case idle
        case awaitingHead(HTTPExchange)
        case collecting(HTTPExchange, HTTPResponseHead, ByteBuffer, limit: Int)
        case streaming(HTTPExchange, HTTPResponseHead, HTTPBodyStream.Producer.Source)
        case closed
    }

    private var state = State.idle
    private var timeout: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// A `read` held back while the body's reader is behind.
    private var readPending = false
    private var readerBehind = false
    /// Numbers each streamed body, so a late signal from an earlier body's reader is ignored.
    private var streamNumber = 0

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard case .idle = state else {
            let why = if case .closed = state { "the connection is closed" } else { "the connection is busy" }
            exchange.sink.fail(HTTPClientError(.connectionClosed, why))
            exchange.finished(false)
            // The handler owned the exchange and ended it: the caller must not end it again.
            promise?.succeed(())
            return
        }
        state = .awaitingHead(exchange)
        timeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: exchange.deadline) { [self] in
            fail(HTTPClientError(.requestTimeout, "no complete response within the request timeout; the connection was closed"))
        }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        // Succeeded at once: it tells the caller that this handler owns the exchange from now on; a
        // failed write reaches the exchange through errorCaught or channelInactive.
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        promise?.succeed(())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .awaitingHead(let exchange)):
            // 1xx answers are interim: the real head follows.
            if head.status.code < 200 { return }
            switch exchange.sink {
            case .collect(_, let limit):
                state = .collecting(exchange, head, context.channel.allocator.buffer(capacity: 0), limit: limit)
            case .stream(let promise):
                streamNumber += 1
                let delegate = BodyReadDelegate(
                    eventLoop: context.eventLoop, handler: NIOLoopBound(self, eventLoop: context.eventLoop), stream: streamNumber)
                let made = HTTPBodyStream.Producer.makeSequence(
                    backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8), finishOnDeinit: false, delegate: delegate)
                state = .streaming(exchange, head, made.source)
                promise.succeed(HTTPStreamingResponse(
                    status: Int(head.status.code), headers: Self.headers(head), body: HTTPBodyStream(producer: made.sequence)))
            }
        case (.body(let chunk), .collecting(let exchange, let head, var buffer, let limit)):
            guard buffer.readableBytes + chunk.readableBytes <= limit else {
                fail(HTTPClientError(.bodyTooLarge, "the response body is larger than \(limit) bytes"))
                return
            }
            state = .closed  // drops the state's reference so the append does not copy
            var chunk = chunk
            buffer.writeBuffer(&chunk)
            state = .collecting(exchange, head, buffer, limit: limit)
        case (.body(let chunk), .streaming(_, _, let source)):
            if source.yield(Array(buffer: chunk)) == .stopProducing { readerBehind = true }
        case (.end, .collecting(let exchange, let head, let buffer, _)):
            let reusable = end(head)
            exchange.finished(reusable)
            if case .collect(let promise, _) = exchange.sink {
                promise.succeed(HTTPResponse(status: Int(head.status.code), fields: head.headers, body: Array(buffer: buffer)))
            }
        case (.end, .streaming(let exchange, let head, let source)):
            let reusable = end(head)
            exchange.finished(reusable)
            source.finish()
        case (.end, .awaitingHead):
            // The end of an interim (1xx) answer: the real one is still to come.
            break
        case (_, .closed):
            break
        case (let part, _):
            fail(HTTPClientError(.malformedResponse, "unexpected \(Self.name(of: part)) from the server"))
        }
    }

    /// Ends the exchange; returns whether the connection stays open for another.
    private func end(_ head: HTTPResponseHead) -> Bool {
        timeout?.cancel()
        timeout = nil
        readerBehind = false
        guard head.isKeepAlive else {
            state = .closed
            context?.close(promise: nil)
            return false
        }
        state = .idle
        return true
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            fail(HTTPClientError(.connectionClosed, "the server closed the connection before the response was complete"))
        } else if error is HTTPParserError {
            fail(HTTPClientError(.malformedResponse, "the server's answer is not valid HTTP/1.1: \(error)"))
        } else {
            fail(HTTPClientError(.connectionClosed, "the connection failed: \(error)"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTPClientError(.connectionClosed, "the server closed the connection before the response was complete"))
        context.fireChannelInactive()
    }

    /// Fails the current exchange, if any, and closes the connection: a connection whose exchange
    /// went wrong is never reused.
    func fail(_ error: HTTPClientError) {
        timeout?.cancel()
        timeout = nil
        let previous = state
        state = .closed
        switch previous {
        case .idle, .closed:
            break
        case .awaitingHead(let exchange), .collecting(let exchange, _, _, _):
            exchange.finished(false)
            exchange.sink.fail(error)
        case .streaming(let exchange, _, let source):
            exchange.finished(false)
            source.finish(error)
        }
        context?.close(promise: nil)
    }

    // MARK: Backpressure of a streamed body

    func read(context: ChannelHandlerContext) {
        if readerBehind {
            readPending = true
        } else {
            context.read()
        }
    }

    func readerWantsMore(stream: Int) {
        guard stream == streamNumber else { return }
        readerBehind = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// The reader dropped the body before its end: the rest cannot be skipped cheaply, so close.
    func readerWentAway(stream: Int) {
        guard stream == streamNumber else { return }
        if case .streaming = state {
            fail(HTTPClientError(.connectionClosed, "the reader stopped reading the body"))
        }
        readerWantsMore(stream: stream)
    }

    static func headers(_ head: HTTPResponseHead) -> [HTTPHeader] {
        head.headers.map { HTTPHeader($0.name, $0.value) }
    }

    static func name(of part: HTTPClientResponsePart) -> String {
        switch part {
        case .head: "response head"
        case .body: "body bytes"
        case .end: "end of response"
        }
    }
}
