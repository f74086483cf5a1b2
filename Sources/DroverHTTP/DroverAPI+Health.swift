import DroverControl
import DroverQueue

extension DroverAPI {
    /// `GET /healthz`: the process runs and answers.
    func health() -> APIResponse {
        .json(200, .object(["status": .string("ok")]))
    }

    /// Why the server is not ready, or `nil` when it is: the queue answers, a worker is ready,
    /// and no drain is under way.
    func notReadyReason() async -> String? {
        if environment.isShuttingDown() { return "shutting down" }
        do {
            _ = try await queue.counts(of: .noop)
        } catch {
            return "the queue does not answer: \(error.message)"
        }
        let pool = await environment.poolStatus()
        if !pool.workers.contains(where: { WorkerStatus.readyStates.contains($0.state) }) {
            return "no worker is ready (\(pool.workers.count) of \(pool.desiredWorkers) started)"
        }
        return nil
    }

    /// `GET /readyz`: 200, or 503 with the reason.
    func readiness() async -> APIResponse {
        guard let reason = await notReadyReason() else {
            return .json(200, .object(["status": .string("ready")]))
        }
        return APIResponse(APIError(status: 503, code: "not_ready", message: reason))
    }

    /// `GET /metrics`: Prometheus text; the pool's gauges are refreshed for the scrape.
    func metricsText() async -> APIResponse {
        metrics.recordPool(await environment.poolStatus())
        metrics.recordWaiters(waiters.count)
        return APIResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
    }
}
