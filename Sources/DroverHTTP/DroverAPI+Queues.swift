import DroverControl
import DroverQueue

extension DroverAPI {
    /// `GET /api/rag/queue/status`: each queue's counts, each worker, and the desired worker count.
    func queueStatus() async -> APIResponse {
        do throws(APIError) {
            let queues = try await allCounts().map { $0.counts.json(name: $0.type.queueName) }
            let pool = await environment.poolStatus()
            metrics.recordPool(pool)
            return .json(200, .object([
                "mode": .string(settings.mode),
                "queues": .array(queues),
                "workers": .array(pool.workers.map(Self.workerJSON)),
                "desiredWorkers": .int(pool.desiredWorkers),
                "admission": .object([
                    "zone": .string(admission.zone.rawValue),
                    "depth": .int(admission.estimatedDepth),
                    "admittedSinceSample": .int(admission.sinceSample.admitted),
                    "startedSinceSample": .int(admission.sinceSample.started),
                    "drainRatePerSecond": admission.drainRatePerSecond.map(JSONValue.double) ?? .null,
                ]),
            ]))
        } catch {
            return APIResponse(error)
        }
    }

    /// Every queue's counts, in `JobType` order.
    func allCounts() async throws(APIError) -> [(type: JobType, counts: QueueCounts)] {
        var all: [(type: JobType, counts: QueueCounts)] = []
        for type in JobType.allCases {
            do {
                all.append((type, try await queue.counts(of: type)))
            } catch {
                throw APIError(error)
            }
        }
        return all
    }

    /// One worker in the shape DESIGN.md gives: `{id, pid, status, activeJobs, …, uptime, lastHeartbeat}`.
    static func workerJSON(_ worker: WorkerStatus) -> JSONValue {
        .object([
            "id": .string(worker.id),
            "pid": .int(Int(worker.pid)),
            "status": .string(worker.state),
            "activeJobs": .int(worker.activeJobs),
            "completedJobs": .int(worker.completedJobs),
            "failedJobs": .int(worker.failedJobs),
            "avgLatencyMs": .double(worker.avgLatencyMs),
            "memoryUsageMB": .double(worker.memoryUsageMB),
            "cpuPercent": .double(worker.cpuPercent),
            "uptime": .double(worker.uptimeSeconds),
            "lastHeartbeat": worker.lastHeartbeatAgoMs.map { .int($0) } ?? .null,
            "restarts": .int(worker.restarts),
        ])
    }

    /// `GET /api/rag/queue/metrics`: per queue, throughput (jobs/min), mean processing time, and the
    /// p50/p95/p99 latency (accepted → finished) of the jobs this server accepted lately.
    func queueMetrics() async -> APIResponse {
        do throws(APIError) {
            var queues: [JSONValue] = []
            for (type, counts) in try await allCounts() {
                let latency = waiters.latency(of: type)
                queues.append(.object([
                    "name": .string(type.queueName),
                    "throughputPerMinute": .int(counts.throughputPerMinute),
                    "averageProcessingMs": .double(counts.averageProcessingMs),
                    "latencyMs": .object([
                        "p50": latency.p50.map(JSONValue.double) ?? .null,
                        "p95": latency.p95.map(JSONValue.double) ?? .null,
                        "p99": latency.p99.map(JSONValue.double) ?? .null,
                        "samples": .int(latency.samples),
                    ]),
                ]))
            }
            return .json(200, .object(["queues": .array(queues)]))
        } catch {
            return APIResponse(error)
        }
    }

    /// `GET /api/rag/dlq[?type=T&limit=N]`: the newest dead jobs, newest first per queue.
    func deadLetters(_ request: APIRequest) async -> APIResponse {
        do throws(APIError) {
            try Self.checkQuery(request.query, allowed: ["type", "limit"])
            let limit = try Self.intParameter(request.query, "limit", 1...1_000) ?? 100
            var types = JobType.allCases
            if let name = request.query["type"] {
                guard let type = JobType(rawValue: name) ?? JobType(queueName: name) else {
                    throw .invalid("type must be one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                types = [type]
            }
            var jobs: [JSONValue] = []
            for type in types {
                do {
                    jobs += try await queue.deadLetters(of: type, limit: limit).map(\.json)
                } catch {
                    throw APIError(error)
                }
            }
            return .json(200, .object(["jobs": .array(Array(jobs.prefix(limit)))]))
        } catch {
            return APIResponse(error)
        }
    }

    /// `POST /api/rag/dlq/{id}/retry`: back to waiting with fresh attempts; 404 if not dead.
    func retryDeadLetter(_ text: String) async -> APIResponse {
        do throws(APIError) {
            let id = try Self.jobID(text)
            let retried: Bool
            do {
                retried = try await queue.retryDeadLetter(id)
            } catch {
                throw APIError(error)
            }
            guard retried else { throw .notFound("job \(id) is not in the dead-letter queue") }
            return .json(200, .object(["jobId": .string(id.rawValue), "status": .string("waiting")]))
        } catch {
            return APIResponse(error)
        }
    }
}
