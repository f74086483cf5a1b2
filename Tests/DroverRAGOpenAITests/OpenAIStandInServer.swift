import DroverJSON
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real OpenAI-compatible HTTP server on 127.0.0.1, port 0: the stand-in for the embedding and
/// chat models Drover calls, and for an upstream RAG service. What it answers depends on the
/// `model` asked for, so one server exercises every good and bad answer.
///
/// `POST /v1/embeddings`, by model: `counting` (vector `[utf8 count, 1, 0, 0]` per input),
/// `reversed` (the same, data listed last first), `short` (one vector too few), `ragged` (the
/// second vector is shorter), `words` (a number that is a string), `flaky` (503 twice, then like
/// `counting`), `down` (always 500), `refused` (400), `prose` (200 with a body that is not JSON), `slow` (answers after 5 s).
///
/// `POST /v1/chat/completions`, streamed, by model: `echo` (`You asked: <question> [1]` word by
/// word, then `[DONE]`), `slow` (a word every 100 ms for a minute), `garbage` (a line that is not
/// JSON), `down` (503), `cut` (two words, then the stream ends with neither `[DONE]` nor a finish reason).
///
/// `POST /upstream/echo` answers `{"echo": <payload>, "jobId": <X-Drover-Job-Id>}`, with the
/// `Cache-Control` header given as `?cache-control=...`, if any;
/// `/upstream/status?code=N` answers status N; `/upstream/prose` answers 200 with HTML.
final class OpenAIStandInServer: Sendable {
    /// One request as the server read it.
    struct Recorded: Sendable {
        let path: String
        let authorization: String?
        let body: JSONValue?
    }

    let channel: any Channel
    let port: Int
    let log: Log

    /// What the server saw, shared with its connection handlers.
    final class Log: Sendable {
        let requests = Mutex<[Recorded]>([])
        let perModel = Mutex<[String: Int]>([:])

        /// Counts a request for `model` and answers how many came before it.
        func count(_ model: String) -> Int {
            perModel.withLock { counts in
                defer { counts[model, default: 0] += 1 }
                return counts[model, default: 0]
            }
        }
    }

    var requests: [Recorded] { log.requests.withLock { $0 } }

    static func start() async throws -> OpenAIStandInServer {
        let log = Log()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StandInHandler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return OpenAIStandInServer(channel: channel, port: channel.localAddress!.port!, log: log)
    }

    private init(channel: any Channel, port: Int, log: Log) {
        self.channel = channel
        self.port = port
        self.log = log
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() async {
        try? await channel.close()
    }
}

/// Reads one request at a time and answers it as the model named in its body would.
private final class StandInHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let log: OpenAIStandInServer.Log
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(log: OpenAIStandInServer.Log) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        let json = try? JSONValue(parsing: body)
        log.requests.withLock {
            $0.append(.init(path: path, authorization: head.headers.first(name: "authorization"), body: json))
        }
        switch path {
        case "/v1/embeddings":
            embeddings(json, context)
        case "/v1/chat/completions":
            chat(json, context)
        case "/upstream/echo":
            let jobID = head.headers.first(name: "x-drover-job-id").map(JSONValue.string) ?? .null
            let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            let cacheControl = query.split(separator: "&").first { $0.hasPrefix("cache-control=") }?.dropFirst("cache-control=".count)
            send(200, JSONValue.object(["echo": json ?? .null, "jobId": jobID]).serialized(), context,
                 headers: cacheControl.map { [("Cache-Control", String($0))] } ?? [])
        case "/upstream/status":
            let code = head.uri.split(separator: "=").last.flatMap { Int($0) } ?? 500
            send(code, #"{"error":"status \#(code) as asked"}"#, context)
        case "/upstream/prose":
            send(200, "<html>not json</html>", context)
        default:
            send(404, #"{"error":{"message":"no such path"}}"#, context)
        }
    }

    private func embeddings(_ request: JSONValue?, _ context: ChannelHandlerContext) {
        let model = request?["model"]?.stringValue ?? ""
        let inputs = (request?["input"]?.arrayValue ?? []).map { $0.stringValue ?? "" }
        let seen = log.count(model)
        func vector(_ text: String) -> [JSONValue] { [.int(text.utf8.count), .int(1), .int(0), .int(0)] }
        var data = inputs.enumerated().map { index, text in
            JSONValue.object(["object": .string("embedding"), "index": .int(index), "embedding": .array(vector(text))])
        }
        switch model {
        case "counting": break
        case "flaky" where seen >= 2: break
        case "reversed": data.reverse()
        case "short": data.removeLast()
        case "ragged": data[1] = .object(["index": .int(1), "embedding": .array([.int(1), .int(2), .int(3)])])
        case "words": data[0] = .object(["index": .int(0), "embedding": .array([.int(1), .string("two"), .int(3), .int(4)])])
        case "flaky": return send(503, #"{"error":{"message":"warming up"}}"#, context)
        case "down": return send(500, #"{"error":{"message":"model is loading"}}"#, context)
        case "refused": return send(400, #"{"error":{"message":"input too long"}}"#, context)
        case "prose": return send(200, "<html>not json</html>", context)
        case "slow":
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .seconds(5)) {
                let (handler, context) = bound.value
                if context.channel.isActive { handler.send(200, #"{"data":[]}"#, context) }
            }
            return
        default: return send(404, #"{"error":{"message":"unknown model \#(model)"}}"#, context)
        }
        send(200, JSONValue.object(["object": .string("list"), "data": .array(data)]).serialized(), context)
    }

    private func chat(_ request: JSONValue?, _ context: ChannelHandlerContext) {
        let model = request?["model"]?.stringValue ?? ""
        let prompt = request?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        let question = prompt.split(separator: "Question: ").last.map(String.init) ?? ""
        switch model {
        case "echo":
            let words = "You asked: \(question) [1]".split(separator: " ").map(String.init)
            let events = words.enumerated().map { Self.delta(($0.offset == 0 ? "" : " ") + $0.element) }
            stream(events + [Self.finish, "[DONE]"], every: nil, context)
        case "slow":
            stream(Array(repeating: Self.delta("word "), count: 600), every: .milliseconds(100), context)
        case "garbage":
            stream([Self.delta("Hello"), "{not json"], every: nil, context)
        case "cut":
            stream([Self.delta("Half"), Self.delta(" an")], every: nil, context)
        case "down":
            send(503, #"{"error":{"message":"overloaded"}}"#, context)
        default:
            send(404, #"{"error":{"message":"unknown model \#(model)"}}"#, context)
        }
    }

    static func delta(_ text: String) -> String {
        JSONValue.object(["choices": .array([.object(["index": .int(0), "delta": .object(["content": .string(text)]), "finish_reason": .null])])]).serialized()
    }

    static let finish = #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#

    /// Sends `events` as `data:` lines, all at once or one per `every`, then ends the body.
    private func stream(_ events: [String], every interval: TimeAmount?, _ context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        guard let interval else {
            for event in events { writeEvent(event, context) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        @Sendable func next(_ index: Int) {
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            guard index < events.count else {
                context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            handler.writeEvent(events[index], context)
            context.eventLoop.scheduleTask(in: interval) { next(index + 1) }
        }
        next(0)
    }

    private func writeEvent(_ event: String, _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: \(event)\n\n")))), promise: nil)
    }

    private func send(_ status: Int, _ body: String, _ context: ChannelHandlerContext, headers extra: [(String, String)] = []) {
        var headers = HTTPHeaders(extra)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
