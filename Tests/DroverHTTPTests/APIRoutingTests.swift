import DroverControl
import DroverHTTP
import DroverQueue
import Logging
import Testing

/// An API over a real in-memory queue, called without a socket: validation and mapping only.
func makeAPI(token: String = "", mutate: (inout APISettings) -> Void = { _ in }) -> (DroverAPI, InMemoryJobQueue) {
    let queue = InMemoryJobQueue()
    var settings = APISettings()
    settings.authToken = token
    mutate(&settings)
    let environment = APIEnvironment(
        poolStatus: {
            var pool = PoolStatus(mode: "multi", desiredWorkers: 2, workers: [WorkerStatus(id: "w-1", pid: 42, state: "ready")])
            pool.restartsByReason = ["crashed": 2, "memory": 1]
            return pool
        },
        isShuttingDown: { false })
    return (DroverAPI(queue: queue, settings: settings, environment: environment, logger: Logger(label: "test")), queue)
}

extension DroverAPI {
    func call(_ method: String, _ target: String, body: String? = nil, authorization: String? = nil) async -> APIResponse {
        let (path, query) = APIRequest.split(target: target)
        return await respond(to: APIRequest(method: method, path: path, query: query, authorization: authorization, body: Array((body ?? "").utf8)))
    }
}

/// The `{"error": {"code", "message"}}` of an error answer.
func errorCode(_ response: APIResponse) -> String? {
    response.jsonBody?["error"]?["code"]?.stringValue
}

@Suite("HTTP API routing, validation and answer shapes (no socket)")
struct APIRoutingTests {
    @Test("an async submission answers 202 with the job id, status queued and an estimated wait")
    func asyncSubmission() async throws {
        let (api, queue) = makeAPI()
        let response = await api.call("POST", "/api/rag/ask?mode=async", body: #"{"query": "what is rag?", "userId": "u1", "priority": "high"}"#)
        #expect(response.status == 202)
        let body = try #require(response.jsonBody)
        #expect(body["status"]?.stringValue == "queued")
        #expect(body["estimatedWaitMs"] != nil)
        let id = try #require(body["jobId"]?.stringValue.flatMap(JobID.init))
        let record = try #require(try await queue.job(id))
        #expect(record.type == .ask && record.priority == .high)
        #expect(record.payload["query"]?.stringValue == "what is rag?")
        #expect(record.payload["userId"]?.stringValue == "u1")
    }

    @Test("GET job answers the documented fields, plus the payload and limits it was sent with")
    func jobShape() async throws {
        let (api, _) = makeAPI()
        let submitted = await api.call("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 1}"#)
        let id = try #require(submitted.jsonBody?["jobId"]?.stringValue)
        let response = await api.call("GET", "/api/rag/job/" + id)
        #expect(response.status == 200)
        let fields = try #require(response.jsonBody?.objectValue)
        #expect(Set(fields.keys) == [
            "jobId", "type", "status", "priority", "progress", "attempts", "createdAt", "payload", "retries", "timeout",
        ])
        #expect(fields["payload"]?["sleepMs"] == .int(1))
        #expect(fields["status"]?.stringValue == "waiting")
        #expect(fields["type"]?.stringValue == "noop")
    }

    @Test("DELETE cancels a waiting job, then says it is already finished; unknown ids are 404")
    func cancelMapping() async throws {
        let (api, _) = makeAPI()
        let id = try #require(await api.call("POST", "/api/rag/noop?mode=async", body: "{}").jsonBody?["jobId"]?.stringValue)
        let first = await api.call("DELETE", "/api/rag/job/" + id)
        #expect(first.status == 200)
        #expect(first.jsonBody?["status"]?.stringValue == "cancelled")
        let second = await api.call("DELETE", "/api/rag/job/" + id)
        #expect(second.status == 409)
        let unknown = await api.call("DELETE", "/api/rag/job/noop-0000000000000000000000000000")
        #expect(unknown.status == 404 && errorCode(unknown) == "not_found")
    }

    @Test("queue status lists every queue, the pool's workers and the desired count")
    func queueStatusShape() async throws {
        let (api, _) = makeAPI()
        _ = await api.call("POST", "/api/rag/search?mode=async", body: #"{"query": "q"}"#)
        let response = await api.call("GET", "/api/rag/queue/status")
        #expect(response.status == 200)
        let body = try #require(response.jsonBody)
        let queues = try #require(body["queues"]?.arrayValue)
        #expect(queues.count == JobType.allCases.count)
        #expect(queues.first { $0["name"]?.stringValue == "rag:search" }?["waiting"]?.intValue == 1)
        #expect(body["workers"]?.arrayValue?.first?["status"]?.stringValue == "ready")
        #expect(body["workers"]?.arrayValue?.first?["lastHeartbeat"] != nil)
        #expect(body["desiredWorkers"]?.intValue == 2)
        #expect(body["mode"]?.stringValue == "multi")
    }

    @Test("queue metrics has throughput, processing time and latency percentiles per queue")
    func queueMetricsShape() async throws {
        let (api, _) = makeAPI()
        let response = await api.call("GET", "/api/rag/queue/metrics")
        #expect(response.status == 200)
        let queue = try #require(response.jsonBody?["queues"]?.arrayValue?.first)
        #expect(queue["throughputPerMinute"]?.intValue != nil)
        #expect(queue["averageProcessingMs"]?.doubleValue != nil)
        #expect(queue["latencyMs"]?["p95"] != nil)
    }

    @Test("/metrics is Prometheus text with the queue, worker and request series")
    func prometheusText() async throws {
        let (api, _) = makeAPI()
        _ = await api.call("GET", "/healthz")
        let response = await api.call("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.contentType.hasPrefix("text/plain"))
        let text = String(decoding: response.body, as: UTF8.self)
        for series in ["drover_http_request_duration_seconds", "drover_worker_rss_bytes", "drover_workers_desired", "drover_workers_actual", "drover_worker_status"] {
            #expect(text.contains(series), "missing \(series)")
        }
        // Restarts by reason are counters that carry the supervisor's totals, however often it is scraped.
        _ = await api.call("GET", "/metrics")
        let again = String(decoding: await api.call("GET", "/metrics").body, as: UTF8.self)
        #expect(again.contains(#"drover_worker_restarts_total{reason="crashed"} 2"#), "\(again)")
        #expect(again.contains(#"drover_worker_restarts_total{reason="memory"} 1"#))
    }

    @Test("with a token, all of /api needs the exact bearer token (the scheme in any case); health endpoints stay open")
    func bearerAuth() async throws {
        let (api, _) = makeAPI(token: "s3cret")
        let missing = await api.call("GET", "/api/rag/queue/status")
        #expect(missing.status == 401 && errorCode(missing) == "unauthorized")
        let wrong = await api.call("GET", "/api/rag/queue/status", authorization: "Bearer s3creT")
        #expect(wrong.status == 401)
        let longer = await api.call("GET", "/api/rag/queue/status", authorization: "Bearer s3cret2")
        #expect(longer.status == 401)
        let right = await api.call("GET", "/api/rag/queue/status", authorization: "Bearer s3cret")
        #expect(right.status == 200)
        #expect(await api.call("GET", "/api/rag/queue/status", authorization: "BEARER s3cret").status == 200)
        #expect(await api.call("GET", "/api/rag/queue/status", authorization: "Bearer\ts3cret").status == 401)
        #expect(missing.headers["WWW-Authenticate"] == "Bearer")
        #expect(await api.call("GET", "/api").status == 401)
        #expect(await api.call("GET", "/healthz").status == 200)
        #expect(await api.call("GET", "/metrics").status == 200)
    }

    @Test("a dead job shows in the DLQ with its attempts, and is retried back to waiting; a job that is not dead is 404")
    func deadLetterRetry() async throws {
        let (api, queue) = makeAPI()
        let id = try #require(try await queue.enqueue([JobRequest(type: .noop, retries: 0)]).first?.id)
        let leased = try await queue.reserve(from: [.noop], workerID: "w", limit: 1)
        let lease = try #require(leased.first?.lease)
        _ = try await queue.finish([JobOutcome(lease: lease, kind: .failed(error: "boom", retryable: false), durationMicros: 1)])
        let list = await api.call("GET", "/api/rag/dlq?type=noop")
        let dead = try #require(list.jsonBody?["jobs"]?.arrayValue?.first)
        #expect(dead["jobId"]?.stringValue == id.rawValue)
        #expect(dead["error"]?.stringValue == "boom")
        let history = try #require(dead["history"]?.arrayValue)
        #expect(history.count == 1)
        #expect(history.first?["attempt"] == .int(1))
        #expect(history.first?["error"]?.stringValue == "boom")
        #expect(history.first?["workerId"]?.stringValue == "w")
        let retried = await api.call("POST", "/api/rag/dlq/\(id.rawValue)/retry")
        #expect(retried.status == 200)
        #expect(try await queue.job(id)?.status == .waiting)
        let again = await api.call("POST", "/api/rag/dlq/\(id.rawValue)/retry")
        #expect(again.status == 404)
    }
}
