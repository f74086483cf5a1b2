import DroverConfig
import DroverControl
import DroverHTTP
import DroverQueue
import Logging
import Synchronization

/// The HTTP API inside `drover serve`: started before the workers, told about a drain at once
/// (so `/readyz` turns 503 while jobs finish), and stopped after the supervisor is done.
final class HTTPEndpoint: Sendable {
    private let task: Task<Void, Never>
    private let draining: DrainFlag
    /// The port the server is bound to (the real one when `listen` asked for port 0).
    let port: Int

    private init(task: Task<Void, Never>, draining: DrainFlag, port: Int) {
        self.task = task
        self.draining = draining
        self.port = port
    }

    /// Binds `http.listen` and serves; returns once the socket is listening, throws if it cannot bind.
    static func start(
        settings: DroverConfiguration, queue: any JobQueue, poolStatus: @escaping @Sendable () async -> PoolStatus,
        route: @escaping @Sendable (String) -> String? = { _ in nil },
        documentState: (@Sendable (String) async throws -> JSONValue?)? = nil, logger: Logger
    ) async throws -> HTTPEndpoint {
        let flag = DrainFlag()
        let environment = APIEnvironment(
            poolStatus: poolStatus, isShuttingDown: { flag.isSet }, route: route, documentState: documentState)
        let api = DroverAPI(queue: queue, settings: apiSettings(settings), environment: environment, logger: logger)
        let server = HTTPServer(api: api, host: settings.http.listenHost, port: settings.http.listenPort, logger: logger)
        let (bound, binding) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        let task = Task {
            do {
                try await server.run { port in binding.yield(.success(port)) }
            } catch {
                binding.yield(.failure(error))
            }
            binding.finish()
        }
        var iterator = bound.makeAsyncIterator()
        guard let first = await iterator.next() else { throw HTTPEndpointError("the HTTP server stopped before it listened") }
        let port = try first.get()
        logger.info("http listening", metadata: ["host": "\(settings.http.listenHost)", "port": "\(port)"])
        return HTTPEndpoint(task: task, draining: flag, port: port)
    }

    /// A drain began: readiness fails and new jobs are refused from now on.
    func beginDrain() { draining.set() }

    /// Closes the socket and waits for the server to finish.
    func stop() async {
        task.cancel()
        await task.value
    }

    static func apiSettings(_ settings: DroverConfiguration) -> APISettings {
        var api = APISettings()
        api.mode = settings.mode.rawValue
        api.bodyLimitBytes = settings.http.bodyLimitBytes
        api.syncWaitMs = settings.http.syncWaitMs
        api.syncQueueThreshold = settings.http.syncQueueThreshold
        api.authToken = settings.http.auth.token
        api.webhookAllowHosts = settings.http.webhooks.allowHosts
        let backpressure = settings.backpressure
        api.admission.warningThreshold = backpressure.warningThreshold
        api.admission.maxQueueDepth = backpressure.maxQueueDepth
        api.admission.cooldownMs = Int64(backpressure.cooldownMs)
        api.admission.highShare = backpressure.priorityBuckets.high
        api.admission.normalShare = backpressure.priorityBuckets.normal
        api.admission.lowShare = backpressure.priorityBuckets.low
        return api
    }
}

/// Set once when a drain begins; read by every readiness check.
final class DrainFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }
}

/// The HTTP server could not start.
struct HTTPEndpointError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
