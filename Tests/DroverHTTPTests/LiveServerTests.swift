import DroverPosix
import DroverQueue
import DroverTestSupport
import Foundation
import Testing

@Suite("HTTP API on a live drover serve with Redis and real workers", .serialized)
struct LiveServerTests {
    @Test("sync and async answers, polling, a sync timeout turning 202, cancel, DLQ retry, bad input")
    func jobsEndToEnd() async throws {
        // A short drain: the cancelled 60 s job need not hold up the fixture's stop. No warm spare,
        // so the status shows exactly the two workers asked for.
        try await withServe(workers: 2, environment: ["DROVER_SUPERVISOR_DRAIN_TIMEOUT_S": "2", "DROVER_SUPERVISOR_SPARE_WORKERS": "0"]) { serve in
            try await serve.waitForReady(2)
            let api = LiveAPI(port: try await serve.httpPort())
            try await api.waitUntilReady()

            // Sync: the answer carries the result.
            let sync = try await api.send("POST", "/api/rag/noop?mode=sync", body: #"{"sleepMs": 5, "tag": "sync"}"#)
            #expect(sync.status == 200, "\(sync.bodyText)")
            #expect(sync.json?["status"]?.stringValue == "completed")
            #expect(sync.json?["result"]?["tag"]?.stringValue == "sync")

            // Without ?mode= and an empty queue it runs sync too.
            let auto = try await api.send("POST", "/api/rag/noop", body: #"{"tag": "auto"}"#)
            #expect(auto.status == 200 && auto.json?["result"]?["tag"]?.stringValue == "auto")

            // Async: 202 with an id, then polling to completion.
            let async = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 100, "tag": "async"}"#)
            #expect(async.status == 202)
            #expect(async.json?["status"]?.stringValue == "queued")
            let asyncID = try #require(async.json?["jobId"]?.stringValue)
            let finished = try await api.waitForFinal(asyncID)
            #expect(finished["status"]?.stringValue == "completed")
            #expect(finished["result"]?["tag"]?.stringValue == "async")
            #expect(finished["workerId"]?.stringValue != nil && finished["finishedAt"]?.intValue != nil)

            // A sync wait that runs out answers 202 with the id; the job still completes.
            let slow = try await api.send("POST", "/api/rag/noop?mode=sync&timeoutMs=100", body: #"{"sleepMs": 1500, "tag": "slow"}"#)
            #expect(slow.status == 202)
            let slowID = try #require(slow.json?["jobId"]?.stringValue)
            #expect(try await api.waitForFinal(slowID)["status"]?.stringValue == "completed")

            // Cancel a running job.
            let long = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 60000, "tag": "long"}"#)
            let longID = try #require(long.json?["jobId"]?.stringValue)
            let cancelled = try await api.send("DELETE", "/api/rag/job/" + longID)
            #expect(cancelled.status == 200)
            #expect(try await api.send("GET", "/api/rag/job/" + longID).json?["status"]?.stringValue == "cancelled")

            // A job that fails without retries lands in the DLQ; retry puts it back and it runs again.
            let failing = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"fail": "boom", "retries": 0}"#)
            let failingID = try #require(failing.json?["jobId"]?.stringValue)
            let dead = try await api.waitForFinal(failingID)
            #expect(dead["status"]?.stringValue == "dead" && dead["error"]?.stringValue == "boom")
            let dlq = try await api.send("GET", "/api/rag/dlq?type=noop")
            #expect(dlq.json?["jobs"]?.arrayValue?.contains { $0["jobId"]?.stringValue == failingID } == true)
            let retried = try await api.send("POST", "/api/rag/dlq/\(failingID)/retry")
            #expect(retried.status == 200)
            let deadAgain = try await api.waitForFinal(failingID)
            #expect(deadAgain["attempts"]?.intValue ?? 0 >= 1)

            // Status and metrics show the real pool.
            let status = try await api.send("GET", "/api/rag/queue/status")
            // The two pool workers, and the spare kept booted in standby beside them.
            let workers = status.json?["workers"]?.arrayValue ?? []
            #expect(workers.filter { $0["status"]?.stringValue != "standby" }.count == 2)
            #expect(workers.filter { $0["status"]?.stringValue == "standby" }.count <= 1)
            #expect(status.json?["desiredWorkers"]?.intValue == 2)
            let metrics = try await api.send("GET", "/metrics")
            #expect(metrics.bodyText.contains("drover_worker_rss_bytes{worker="))
            #expect(metrics.bodyText.contains("drover_queue_jobs{"))
            // The latency histogram of the jobs this server accepted and saw finish (the sync and async ones above).
            let jobCount = metrics.bodyText.split(separator: "\n").first { $0.hasPrefix(#"drover_job_duration_seconds_count{queue="rag:noop"}"#) }
            #expect((jobCount?.split(separator: " ").last).flatMap { Int($0) } ?? 0 >= 2, "\(jobCount ?? "no job latency histogram")")

            // Bad input over the socket: 413 for a huge body, 400 for broken JSON; still healthy.
            let huge = #"{"query": ""# + String(repeating: "a", count: 2 << 20) + #""}"#
            let tooLarge = try await api.send("POST", "/api/rag/ask", body: huge)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large")
            let broken = try await api.send("POST", "/api/rag/ask", body: "{nope")
            #expect(broken.status == 400 && broken.errorCode == "invalid_request")
            #expect(try await api.send("GET", "/healthz").status == 200)
            #expect(try await api.send("POST", "/api/rag/noop?mode=sync", body: "{}").status == 200)
        }
    }

    @Test("over maxQueueDepth normal gets 503 with Retry-After while high is still accepted; the 401 paths")
    func overloadAndAuth() async throws {
        let environment = [
            "DROVER_BACKPRESSURE_WARNING_THRESHOLD": "2",
            "DROVER_BACKPRESSURE_MAX_QUEUE_DEPTH": "5",
            "DROVER_SUPERVISOR_CONCURRENCY": "1",
            "DROVER_HTTP_AUTH_TOKEN": "t0ken-for-tests",
            "DROVER_SUPERVISOR_DRAIN_TIMEOUT_S": "2",
        ]
        try await withServe(workers: 1, environment: environment) { serve in
            try await serve.waitForReady(1)
            let port = try await serve.httpPort()
            let open = LiveAPI(port: port)
            let wrong = LiveAPI(port: port, token: "t0ken-for-test")
            let api = LiveAPI(port: port, token: "t0ken-for-tests")
            try await api.waitUntilReady()

            let missing = try await open.send("GET", "/api/rag/queue/status")
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"] == "Bearer")
            #expect(try await wrong.send("POST", "/api/rag/noop", body: "{}").status == 401)
            #expect(try await open.send("GET", "/api/nothing/here").status == 401)
            // Refused before its body is read: a stranger cannot make the server buffer a megabyte.
            let stranger = try await open.send("POST", "/api/rag/noop", body: String(repeating: "x", count: 2_000_000))
            #expect(stranger.status == 401)
            #expect(try await open.send("GET", "/api/rag/queue/status", headers: ["Authorization": "bearer t0ken-for-tests"]).status == 200)
            #expect(try await open.send("GET", "/healthz").status == 200)
            #expect(try await api.send("GET", "/api/rag/queue/status").status == 200)

            // The only worker slot is busy; the rest queues up until admission refuses.
            var refused: LoopbackHTTPResponse?
            for index in 0..<50 {
                let response = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 30000, "i": \#(index)}"#)
                if response.status == 503 {
                    refused = response
                    break
                }
                #expect(response.status == 202)
            }
            let refusal = try #require(refused, "no 503 within 50 submissions over a depth limit of 5")
            #expect(refusal.errorCode == "overloaded")
            let retryAfter = try #require(refusal.headers["retry-after"].flatMap { Int($0) })
            #expect(retryAfter >= 1)
            let high = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 1, "priority": "high"}"#)
            #expect(high.status == 202, "\(high.bodyText)")
            let metrics = try await open.send("GET", "/metrics")
            #expect(metrics.bodyText.contains("drover_http_503_total"))
        }
    }

    @Test("on SIGTERM /readyz turns 503 at once while running jobs finish, then serve exits 0")
    func drainTurnsReadinessOff() async throws {
        try await withServe(workers: 1) { serve in
            try await serve.waitForReady(1)
            let api = LiveAPI(port: try await serve.httpPort())
            try await api.waitUntilReady()
            let job = try await api.send("POST", "/api/rag/noop?mode=async", body: #"{"sleepMs": 10000}"#)
            let id = try #require(job.json?["jobId"]?.stringValue.flatMap(JobID.init))
            // Long enough that a poll delayed by a loaded machine still finds it running.
            try await ServeFixture.waitUntil(timeout: .seconds(30), "the job running") { try await serve.queue.job(id)?.status == .active }
            try serve.process.kill(.sigterm)
            // The signal is handled on its own thread: give it a moment, not a fixed sleep.
            var ready = try await api.send("GET", "/readyz")
            let deadline = ContinuousClock.now + .seconds(5)
            while ready.status == 200 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                ready = try await api.send("GET", "/readyz")
            }
            #expect(ready.status == 503)
            #expect(ready.json?["error"]?["message"]?.stringValue == "shutting down")
            let refused = try await api.send("POST", "/api/rag/noop?mode=async", body: "{}")
            #expect(refused.status == 503)
            #expect(try await serve.process.wait(timeout: .seconds(30)) == .exited(code: 0))
            #expect(try await serve.queue.job(id)?.status == .completed)
        }
    }
}
