import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Puts a `DroverAPI` on a TCP socket with Hummingbird, until the task running it is cancelled.
public struct HTTPServer: Sendable {
    public let api: DroverAPI
    public let host: String
    public let port: Int
    let logger: Logger

    public init(api: DroverAPI, host: String, port: Int, logger: Logger) {
        self.api = api
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Serves until cancelled; `onListening` gets the bound port (useful with port 0).
    ///
    /// Cancelling shuts down gracefully: the socket stops accepting, and requests in flight
    /// (sync waiters among them) are answered before `run` returns.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            responder: APIResponder(api: api, bodyLimit: api.settings.bodyLimitBytes),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), backlog: 4_096),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await api.run() }
            // Unstructured, so cancelling us does not cancel the server outright: the cancellation
            // handler asks it to shut down gracefully instead.
            let serving = Task { try await services.run() }
            try await withTaskCancellationHandler {
                try await serving.value
            } onCancel: {
                Task { await services.triggerGracefulShutdown() }
            }
            group.cancelAll()
        }
    }
}

/// Hummingbird's side of the API: reads the body within the limit, and maps the answer back.
struct APIResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let api: DroverAPI
    let bodyLimit: Int

    func respond(to request: Request, context: Context) async throws -> Response {
        guard api.beginRequest() else {
            return Self.response(api.refuse(APIError(
                status: 503, code: "busy", message: "too many requests in flight", retryAfterSeconds: 1)))
        }
        defer { api.endRequest() }
        if let refusal = api.refuseUnauthorized(path: request.uri.path, authorization: request.headers[.authorization]) {
            return Self.response(api.refuse(refusal))
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bodyLimit {
            return Self.response(api.refuse(Self.tooLarge(bodyLimit)))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            return Self.response(api.refuse(Self.tooLarge(bodyLimit)))
        }
        let query = request.uri.query.map { APIRequest.parameters($0.utf8) } ?? [:]
        let answer = await api.respond(to: APIRequest(
            method: request.method.rawValue, path: request.uri.path, query: query,
            authorization: request.headers[.authorization], body: Array(body.readableBytesView)))
        return Self.response(answer)
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large", message: "the body is larger than \(limit) bytes")
    }

    static func response(_ answer: APIResponse) -> Response {
        var headers: HTTPFields = [.contentType: answer.contentType]
        if let seconds = answer.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        for (name, value) in answer.headers {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
