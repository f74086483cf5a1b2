import NIOCore
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1, port 0, that misbehaves on request: it parses requests
/// itself and writes raw bytes, so it can answer normally, chunked, slowly, cut a body short, or
/// send garbage.
///
/// Paths: `/ok`, `/echo` (the body back), `/continue` (a 100 first), `/chunked`, `/trickle` (`/chunked` a byte per write), `/close` (answers with `Connection: close`),
/// `/slow?ms=N` (answers after N ms; never without `ms`), `/cut` (promises 100 bytes, sends 10,
/// closes), `/garbage`, `/sse` (an event stream in small chunks), `/big?bytes=N`, `/status?code=N`.
final class LoopbackHTTPServer: Sendable {
    let channel: any Channel
    let port: Int
    private let counters: Counters

    final class Counters: Sendable {
        let accepted = Atomic<Int>(0)
        let requests = Atomic<Int>(0)
        let open = Atomic<Int>(0)
    }

    var acceptedConnections: Int { counters.accepted.load(ordering: .relaxed) }
    var requests: Int { counters.requests.load(ordering: .relaxed) }
    var openConnections: Int { counters.open.load(ordering: .relaxed) }

    static func start() async throws -> LoopbackHTTPServer {
        let counters = Counters()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawHTTPHandler(counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackHTTPServer(channel: channel, port: channel.localAddress!.port!, counters: counters)
    }

    private init(channel: any Channel, port: Int, counters: Counters) {
        self.channel = channel
        self.port = port
        self.counters = counters
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() async {
        try? await channel.close()
    }
}

/// Reads requests off the raw byte stream and writes each answer by hand.
private final class RawHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let counters: LoopbackHTTPServer.Counters
    var buffer = ByteBuffer()

    init(counters: LoopbackHTTPServer.Counters) { self.counters = counters }

    func channelActive(context: ChannelHandlerContext) {
        counters.accepted.add(1, ordering: .relaxed)
        counters.open.add(1, ordering: .relaxed)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        counters.open.subtract(1, ordering: .relaxed)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        buffer.writeBuffer(&chunk)
        while let (target, body) = nextRequest() {
            counters.requests.add(1, ordering: .relaxed)
            answer(target, body: body, context: context)
        }
    }

    /// Takes one complete request (head and Content-Length body) off the buffer.
    private func nextRequest() -> (target: String, body: [UInt8])? {
        let bytes = buffer.readableBytesView
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        let target = requestLine.count > 1 ? String(requestLine[1]) : "/"
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        let headBytes = headEnd.upperBound - bytes.startIndex
        guard buffer.readableBytes >= headBytes + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headBytes)
        let body = buffer.readBytes(length: length) ?? []
        buffer.discardReadBytes()
        return (target, body)
    }

    private func answer(_ target: String, body: [UInt8], context: ChannelHandlerContext) {
        let path = target.split(separator: "?").first.map(String.init) ?? target
        let query = Self.query(target)
        switch path {
        case "/ok":
            send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", context)
        case "/echo":
            send("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n" + String(decoding: body, as: UTF8.self), context)
        case "/status":
            let code = query["code"] ?? "200"
            send("HTTP/1.1 \(code) X\r\nContent-Length: 2\r\n\r\n{}", context)
        case "/continue":
            send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal", context)
        case "/chunked":
            send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n", context)
        case "/trickle":
            // The chunked answer of /chunked, one byte per write.
            for byte in "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n".utf8 {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [byte])), promise: nil)
            }
        case "/close":
            send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye", context)
            context.close(promise: nil)
        case "/slow":
            guard let ms = query["ms"].flatMap(Int64.init) else { return }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(ms)) {
                let (handler, context) = bound.value
                handler.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow", context)
            }
        case "/cut":
            send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", context)
            context.close(promise: nil)
        case "/garbage":
            send("THIS IS NOT HTTP\r\n\r\n", context)
        case "/sse":
            send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n", context)
            // Lines split across chunk boundaries, a CRLF, a comment and a non-data field.
            for piece in [": hello\n\nda", "ta: {\"n\":1}\n", "\nevent: x\ndata: {\"n\":2}\r", "\n\ndata:[DONE]\n\n"] {
                send(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n", context)
            }
            send("0\r\n\r\n", context)
        case "/big":
            let count = query["bytes"].flatMap(Int.init) ?? 1_000_000
            send("HTTP/1.1 200 OK\r\nContent-Length: \(count)\r\n\r\n", context)
            var remaining = count
            while remaining > 0 {
                let n = min(remaining, 65_536)
                context.write(wrapOutboundOut(ByteBuffer(repeating: UInt8(ascii: "x"), count: n)), promise: nil)
                remaining -= n
            }
            context.flush()
        default:
            send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", context)
        }
    }

    private func send(_ text: String, _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
    }

    private static func query(_ target: String) -> [String: String] {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        var items: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { items[String(parts[0])] = String(parts[1]) }
        }
        return items
    }
}
