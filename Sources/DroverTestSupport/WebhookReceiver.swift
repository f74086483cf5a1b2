import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real webhook receiver on 127.0.0.1, port 0: records every call and answers with the next
/// status of its script (200 once the script is used up).
public final class WebhookReceiver: Sendable {
    /// One call as received.
    public struct Call: Sendable {
        public let path: String
        /// Header names in lower case.
        public let headers: [String: String]
        public let body: String
    }

    final class Log: Sendable {
        let calls = Mutex<[Call]>([])
        let script: Mutex<[Int]>

        init(script: [Int]) { self.script = Mutex(script) }

        func nextStatus() -> Int {
            script.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
        }
    }

    let channel: any Channel
    let log: Log

    public var port: Int { channel.localAddress?.port ?? 0 }
    public var calls: [Call] { log.calls.withLock { $0 } }
    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    public static func start(answering script: [Int] = []) async throws -> WebhookReceiver {
        let log = Log(script: script)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return WebhookReceiver(channel: channel, log: log)
    }

    private init(channel: any Channel, log: Log) {
        self.channel = channel
        self.log = log
    }

    public func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let log: Log
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(log: Log) { self.log = log }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let call = Call(path: head.uri, headers: headers, body: String(buffer: body))
                log.calls.withLock { $0.append(call) }
                let status = log.nextStatus()
                let response = HTTPResponseHead(
                    version: .http1_1, status: .init(statusCode: status), headers: ["Content-Length": "0"])
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
