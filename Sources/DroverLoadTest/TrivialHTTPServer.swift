import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 server that answers every request at once with `202 {"status":"queued"}`: the far
/// end for measuring the load generator's own ceiling (`drover loadtest-target`).
public struct TrivialHTTPServer: Sendable {
    let channel: any Channel

    /// The port it listens on.
    public var port: Int { channel.localAddress?.port ?? 0 }

    public static func start(host: String, port: Int, threads: Int = 1) async throws -> TrivialHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Responder())
                }
            }
            .bind(host: host, port: port).get()
        return TrivialHTTPServer(channel: channel)
    }

    /// Runs until the listening socket closes.
    public func wait() async throws {
        try await channel.closeFuture.get()
    }

    public func stop() async {
        try? await channel.close()
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        static let body = ByteBuffer(string: #"{"status":"queued"}"#)
        var keepAlive = true

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
            case .body:
                break
            case .end:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(Self.body.readableBytes))
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .accepted, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(Self.body))), promise: nil)
                let keepAlive = self.keepAlive
                context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { [context] _ in
                    if !keepAlive { context.close(promise: nil) }
                }
            }
        }
    }
}
