import DroverQueue
import DroverTestSupport
import Testing

@Suite("drover serve wires the supervisor and the RAG store into the HTTP API", .serialized)
struct ServeWiringTests {
    @Test("one user's jobs submitted over HTTP all run on one worker; webhooks follow the configured allow list; document states and pool metrics are served")
    func stickyRoutingDocumentsAndMetrics() async throws {
        // More slots than the test has jobs: a worker with every slot taken counts as overloaded,
        // and the router then sends its users' jobs elsewhere, which a loaded machine could cause here.
        let environment = [
            "DROVER_ROUTING_STICKY": "true", "DROVER_HTTP_WEBHOOKS_ALLOW_HOSTS": "hooks.internal", "DROVER_SUPERVISOR_CONCURRENCY": "16",
        ]
        try await withServe(workers: 2, environment: environment) { serve in
            try await serve.waitForReady(2)
            let api = LiveAPI(port: try await serve.httpPort())
            try await api.waitUntilReady()

            // Sticky routing: ten async jobs of one user, each long enough that an idle second worker would take some.
            var ids: [String] = []
            for n in 0..<10 {
                let response = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"userId": "alice", "sleepMs": 40, "n": \#(n)}"#)
                #expect(response.status == 202, "\(response.bodyText)")
                ids.append(try #require(response.json?["jobId"]?.stringValue))
            }
            var workers: [String] = []
            for id in ids {
                let record = try await api.waitForFinal(id)
                #expect(record["status"]?.stringValue == "completed")
                workers.append(try #require(record["workerId"]?.stringValue))
            }
            #expect(Set(workers).count == 1, "alice's jobs ran on \(workers)")
            // The record the queue keeps says the same.
            for id in ids.compactMap(JobID.init) {
                #expect(try await serve.queue.job(id)?.workerID == workers.first)
            }

            // http.webhooks.allowHosts reaches the API: a listed host is taken, any other refused with the reason.
            let listed = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"webhook": "http://hooks.internal:9/done"}"#)
            #expect(listed.status == 202, "\(listed.bodyText)")
            let unlisted = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"webhook": "http://hooks.example.com/done"}"#)
            #expect(unlisted.status == 400 && unlisted.errorCode == "invalid_request")
            #expect(unlisted.json?["error"]?["message"]?.stringValue?.contains("http.webhooks.allowHosts") == true, "\(unlisted.bodyText)")

            // Document states come from the workers' Redis index.
            let indexed = try await api.send("POST", "/api/rag/index?mode=sync&timeoutMs=60000",
                body: #"{"documents": [{"id": "guide", "text": "Drover runs jobs on supervised worker processes.", "source": "manual"}]}"#)
            #expect(indexed.status == 200 && indexed.json?["result"]?["indexed"]?.intValue == 1, "\(indexed.bodyText)")
            let state = try await api.send("GET", "/api/rag/documents/guide")
            #expect(state.status == 200, "\(state.bodyText)")
            #expect(state.json?["state"]?.stringValue == "indexed" && state.json?["source"]?.stringValue == "manual")
            #expect(try await api.send("GET", "/api/rag/documents/nobody").status == 404)
            #expect(try await api.send("GET", "/api/rag/documents/bad%0Aid").status == 400)

            // /metrics: desired against started and ready workers, the autoscaler, each worker's breaker.
            let metrics = try await api.send("GET", "/metrics").bodyText
            let values = Dictionary(metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { return nil }
                return (String(parts[0]), value)
            }, uniquingKeysWith: { $1 })
            #expect(values["drover_workers_desired"] == 2)
            // Started workers may include a warm spare beside the two slots.
            #expect(values["drover_workers_actual"] ?? 0 >= 2)
            #expect(values["drover_workers_ready"] == 2)
            #expect(values["drover_autoscale_enabled"] == 0)
            let breakers = metrics.split(separator: "\n").filter { $0.hasPrefix("drover_worker_breaker{") }
            #expect(breakers.count >= 2, "\(breakers)")
            #expect(breakers.allSatisfy { $0.contains(#"state="closed""#) })

            // The workers' RAG cache hits and misses reach /metrics through their heartbeats:
            // the same search twice from one user (so one worker) misses, then hits. `n` keeps the
            // queue's 5 s dedup from folding the second job into the first.
            for n in 0..<2 {
                let search = try await api.send("POST", "/api/rag/search?mode=sync&timeoutMs=60000",
                    body: #"{"query": "supervised worker processes", "userId": "cache-user", "n": \#(n)}"#)
                #expect(search.status == 200, "\(search.bodyText)")
            }
            func cacheTotal(_ name: String, _ text: String) -> Double {
                text.split(separator: "\n").filter { $0.hasPrefix(name + "{") && $0.contains(#"tier="l1""#) }
                    .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            }
            try await ServeFixture.waitUntil(timeout: .seconds(30), "cache counts in /metrics") {
                let text = try await api.send("GET", "/metrics").bodyText
                return cacheTotal("drover_worker_cache_misses", text) >= 1 && cacheTotal("drover_worker_cache_hits", text) >= 1
            }
        }
    }

    @Test("a finished job's result is POSTed to its webhook on a loopback receiver, once listed in allowHosts")
    func webhookDeliveredEndToEnd() async throws {
        let receiver = try await WebhookReceiver.start()
        do {
            try await deliverToWebhook(receiver)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    private func deliverToWebhook(_ receiver: WebhookReceiver) async throws {
        try await withServe(workers: 1, environment: ["DROVER_HTTP_WEBHOOKS_ALLOW_HOSTS": "127.0.0.1"]) { serve in
            try await serve.waitForReady(1)
            let api = LiveAPI(port: try await serve.httpPort())
            try await api.waitUntilReady()
            let body = JSONValue.object(["webhook": .string(receiver.url("/done")), "echo": .string("hello")]).serialized()
            let submitted = try await api.send("POST", "/api/rag/noop?mode=async", body: body)
            #expect(submitted.status == 202, "\(submitted.bodyText)")
            let id = try #require(submitted.json?["jobId"]?.stringValue)
            try await eventually("the webhook was called") { receiver.calls.count == 1 }
            let call = try #require(receiver.calls.first)
            #expect(call.path == "/done")
            #expect(call.headers["x-drover-job-id"] == id)
            let delivered = try JSONValue(parsing: call.body)
            #expect(delivered["jobId"]?.stringValue == id)
            #expect(delivered["status"]?.stringValue == "completed")
            #expect(delivered["result"]?["echo"]?.stringValue == "hello")
            // Unlisted loopback ports are still refused at the door: the list names hosts, not one receiver.
            let refused = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"webhook": "http://localhost:9/done"}"#)
            #expect(refused.status == 400 && refused.errorCode == "invalid_request", "\(refused.bodyText)")
        }
    }
}
