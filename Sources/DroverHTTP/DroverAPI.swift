import DroverQueue
import DroverWebhooks
import Logging
import Synchronization

/// The HTTP API as plain functions of a request: routing, authentication, validation and the
/// answers' shapes. `HTTPServer` puts it on a socket; tests can call `respond` directly.
public final class DroverAPI: Sendable {
    let queue: any JobQueue
    let settings: APISettings
    let environment: APIEnvironment
    let logger: Logger
    let token: BearerToken
    /// Concurrent requests' enqueues, one pipelined call per batch.
    let enqueues: CallBatcher<JobRequest, EnqueueReceipt>
    /// Concurrent sync answers' reads of status, result and error, one pipelined call per batch.
    let conclusions: CallBatcher<JobID, JobConclusion?>
    let waiters: CompletionWaiters
    let admission: AdmissionController
    let webhookPolicy: WebhookPolicy
    public let metrics: APIMetrics
    private let inFlight = Atomic<Int>(0)

    public init(queue: any JobQueue, settings: APISettings, environment: APIEnvironment, logger: Logger) {
        self.queue = queue
        self.settings = settings
        self.environment = environment
        self.logger = logger
        self.token = BearerToken(settings.authToken)
        self.webhookPolicy = WebhookPolicy(allowHosts: settings.webhookAllowHosts)
        self.enqueues = CallBatcher { requests throws(JobQueueError) in try await queue.enqueue(requests) }
        self.conclusions = CallBatcher { ids throws(JobQueueError) in try await queue.conclusions(of: ids) }
        self.metrics = APIMetrics()
        let admission = AdmissionController(
            queue: queue, settings: settings.admission, interval: settings.depthSampleInterval, metrics: metrics, logger: logger)
        self.admission = admission
        let metrics = self.metrics
        self.waiters = CompletionWaiters(
            queue: queue, limit: settings.maxSyncWaiters, logger: logger,
            onStarted: { admission.started($0) }, onFinished: { metrics.recordJob($0, latency: $1) })
    }

    /// Runs the background parts (the event subscription of sync waiters, depth sampling) until cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.waiters.run() }
            group.addTask { await self.admission.run() }
        }
    }

    /// Takes one of the bounded request slots; `false` when all are taken (answer 503 then).
    public func beginRequest() -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        if now > settings.maxInFlightRequests {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    public func endRequest() {
        inFlight.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Answers one request. Never throws: every failure becomes an error answer.
    public func respond(to request: APIRequest) async -> APIResponse {
        let started = ContinuousClock.now
        let (route, response) = await route(request)
        metrics.recordRequest(route: route, status: response.status, duration: ContinuousClock.now - started)
        return response
    }

    /// An answer given before the request reached routing (body too large, too many in flight),
    /// counted like any other.
    public func refuse(_ error: APIError) -> APIResponse {
        refuse(APIResponse(error))
    }

    public func refuse(_ response: APIResponse) -> APIResponse {
        metrics.recordRequest(route: "other", status: response.status, duration: .zero)
        return response
    }

    /// The `401` for a request under `/api` without the configured token, or nil when it may pass.
    /// The server asks this before it reads a body, so a stranger cannot make it buffer one.
    public func refuseUnauthorized(path: String, authorization: String?) -> APIResponse? {
        guard path == "/api" || path.hasPrefix("/api/"), !token.accepts(authorization) else { return nil }
        var response = APIResponse(APIError(status: 401, code: "unauthorized",
            message: authorization == nil ? "missing Authorization: Bearer token" : "wrong bearer token"))
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    }

    private func route(_ request: APIRequest) async -> (String, APIResponse) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let method = request.method
        switch (parts.first, parts.count) {
        case ("healthz", 1):
            return ("health", method == "GET" ? health() : Self.methodNotAllowed(method, "GET"))
        case ("readyz", 1):
            return ("health", method == "GET" ? await readiness() : Self.methodNotAllowed(method, "GET"))
        case ("metrics", 1):
            return ("metrics", method == "GET" ? await metricsText() : Self.methodNotAllowed(method, "GET"))
        case ("api", _):
            if let refusal = refuseUnauthorized(path: request.path, authorization: request.authorization) { return ("other", refusal) }
            guard parts.count >= 3, parts[parts.startIndex + 1] == "rag" else { return ("other", Self.unknownPath(request.path)) }
            return await routeAPI(request, Array(parts.dropFirst(2)))
        default:
            return ("other", Self.unknownPath(request.path))
        }
    }

    /// `/api/rag/<rest>`.
    private func routeAPI(_ request: APIRequest, _ rest: [Substring]) async -> (String, APIResponse) {
        let method = request.method
        switch (rest.count, rest[0]) {
        case (1, let name) where JobType(rawValue: String(name)) != nil:
            guard method == "POST" else { return ("other", Self.methodNotAllowed(method, "POST")) }
            return await submit(JobType(rawValue: String(name))!, request)
        case (2, "job"):
            switch method {
            case "GET": return ("job", await job(String(rest[1])))
            case "DELETE": return ("cancel", await cancel(String(rest[1])))
            default: return ("other", Self.methodNotAllowed(method, "GET, DELETE"))
            }
        case (2, "queue") where rest[1] == "status":
            return ("queue_status", method == "GET" ? await queueStatus() : Self.methodNotAllowed(method, "GET"))
        case (2, "queue") where rest[1] == "metrics":
            return ("queue_metrics", method == "GET" ? await queueMetrics() : Self.methodNotAllowed(method, "GET"))
        case (2, "documents"):
            return ("documents", method == "GET" ? await documentState(String(rest[1])) : Self.methodNotAllowed(method, "GET"))
        case (1, "dlq"):
            return ("dlq", method == "GET" ? await deadLetters(request) : Self.methodNotAllowed(method, "GET"))
        case (3, "dlq") where rest[2] == "retry":
            return ("dlq", method == "POST" ? await retryDeadLetter(String(rest[1])) : Self.methodNotAllowed(method, "POST"))
        case (1, let name):
            return ("other", APIResponse(.notFound("unknown job type \(String(name).debugDescription); expected one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")))
        default:
            return ("other", Self.unknownPath(request.path))
        }
    }

    static func unknownPath(_ path: String) -> APIResponse {
        APIResponse(.notFound("no such endpoint: \(String(path.prefix(200)).debugDescription)"))
    }

    static func methodNotAllowed(_ method: String, _ allowed: String) -> APIResponse {
        var response = APIResponse(APIError(
            status: 405, code: "method_not_allowed", message: "\(String(method.prefix(16))) is not allowed here; use \(allowed)"))
        response.headers["Allow"] = allowed
        return response
    }

    /// A job id from a URL, or a 400 naming what is wrong with it.
    static func jobID(_ text: String) throws(APIError) -> JobID {
        guard let id = JobID(text) else {
            throw .invalid("\(String(text.prefix(80)).debugDescription) is not a job id (<type>-<28 hex digits>)")
        }
        return id
    }

    /// Refuses query parameters the endpoint does not know, so a typo is not silently ignored.
    static func checkQuery(_ query: [String: String], allowed: Set<String>) throws(APIError) {
        if let unknown = query.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid("unknown query parameter \(String(unknown.prefix(64)).debugDescription)\(allowed.isEmpty ? "" : "; known: \(allowed.sorted().joined(separator: ", "))")")
        }
    }

    /// An integer query parameter within `range`, or `nil` when absent.
    static func intParameter(_ query: [String: String], _ name: String, _ range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = query[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid("\(name) must be an integer \(range.lowerBound)...\(range.upperBound), got \(String(text.prefix(32)).debugDescription)")
        }
        return value
    }
}
