import DroverAdmission
import DroverQueue

extension DroverAPI {
    /// How a submission is answered: wait for the result, or answer at once with the job id.
    enum SubmitMode: String {
        case sync, async
    }

    /// `POST /api/rag/<type>`: validate, admit, enqueue, then answer sync or async.
    func submit(_ type: JobType, _ request: APIRequest) async -> (String, APIResponse) {
        do throws(APIError) {
            try Self.checkQuery(request.query, allowed: ["mode", "timeoutMs"])
            var mode: SubmitMode?
            if let text = request.query["mode"] {
                guard let parsed = SubmitMode(rawValue: text) else {
                    throw .invalid("mode must be sync or async, got \(String(text.prefix(32)).debugDescription)")
                }
                mode = parsed
            }
            let waitMs = try Self.intParameter(request.query, "timeoutMs", 1...settings.maxSyncWaitMs) ?? settings.syncWaitMs
            var job: JobRequest
            do {
                job = try JobRequest(json: request.body, type: type, maxBytes: settings.bodyLimitBytes)
            } catch {
                throw APIError(error)
            }
            if let webhook = job.webhook {
                // Refused here, before the job exists, so the client hears why rather than the call never coming.
                do {
                    _ = try webhookPolicy.validate(webhook)
                } catch {
                    throw .invalid(error.message)
                }
            }
            if environment.isShuttingDown() {
                throw APIError(status: 503, code: "shutting_down", message: "the server is draining and accepts no new jobs", retryAfterSeconds: 5)
            }
            if case .refuse(let retryAfter, let zone) = admission.admit(job.priority) {
                metrics.recordRefusal(job.priority)
                throw APIError(status: 503, code: "overloaded",
                    message: "the queue is \(zone == .critical ? "full" : "filling up"); \(job.priority.rawValue) priority jobs are refused for now",
                    retryAfterSeconds: retryAfter)
            }
            if job.targetWorker == nil, let user = job.userId {
                job.targetWorker = environment.route(user)
            }
            let acceptedAt = ContinuousClock.now
            let resolved = mode ?? (admission.estimatedDepth < settings.syncQueueThreshold ? .sync : .async)
            if resolved == .sync, waiters.reserveSlot() {
                return ("submit_sync", try await runSync(job, waitMs: waitMs, acceptedAt: acceptedAt))
            }
            let receipt = try await enqueueAdmitted(job, acceptedAt: acceptedAt)
            return ("submit_async", accepted(receipt))
        } catch {
            return ("submit_async", APIResponse(error))
        }
    }

    /// Enqueues and waits for the job to finish; 202 with the id if it does not in time.
    private func runSync(_ job: JobRequest, waitMs: Int, acceptedAt: ContinuousClock.Instant) async throws(APIError) -> APIResponse {
        let receipt: EnqueueReceipt
        do {
            receipt = try await enqueueAdmitted(job, acceptedAt: acceptedAt)
        } catch {
            waiters.release()
            throw error
        }
        metrics.recordWaiters(waiters.count + 1)
        guard let status = await waiters.wait(for: receipt.id, timeout: .milliseconds(waitMs)) else {
            // Out of time: the job goes on, and the client polls for it.
            return accepted(receipt)
        }
        let record: JobConclusion?
        do {
            record = try await conclusions.call(receipt.id)
        } catch {
            throw APIError(error)
        }
        guard let record else {
            return .json(200, .object(["jobId": .string(receipt.id.rawValue), "status": .string(status.rawValue)]))
        }
        var body: [String: JSONValue] = ["jobId": .string(receipt.id.rawValue), "status": .string(record.status.rawValue)]
        if let result = record.result { body["result"] = result }
        if let error = record.error { body["error"] = .string(error) }
        if receipt.duplicate { body["duplicate"] = .bool(true) }
        return .json(200, .object(body))
    }

    /// Enqueues an admitted job in the next batch. A job that did not join the queue (a duplicate
    /// of one already there, or a failed enqueue) gives its admission back; a new one is timed.
    private func enqueueAdmitted(_ job: JobRequest, acceptedAt: ContinuousClock.Instant) async throws(APIError) -> EnqueueReceipt {
        let receipt: EnqueueReceipt
        do {
            receipt = try await enqueues.call(job)
        } catch {
            admission.withdraw()
            throw APIError(error)
        }
        if receipt.duplicate {
            admission.withdraw()
        } else {
            waiters.track(receipt.id, since: acceptedAt)
        }
        return receipt
    }

    /// `202 {jobId, status: "queued", estimatedWaitMs}`.
    private func accepted(_ receipt: EnqueueReceipt) -> APIResponse {
        var body: [String: JSONValue] = [
            "jobId": .string(receipt.id.rawValue),
            "status": .string("queued"),
            "estimatedWaitMs": admission.estimatedWaitMs.map { .int($0) } ?? .null,
        ]
        if receipt.duplicate { body["duplicate"] = .bool(true) }
        return .json(202, .object(body))
    }

    /// `GET /api/rag/job/{id}`.
    func job(_ text: String) async -> APIResponse {
        do throws(APIError) {
            let id = try Self.jobID(text)
            let found: JobRecord?
            do {
                found = try await queue.job(id)
            } catch {
                throw APIError(error)
            }
            guard let record = found else { throw .notFound("no job \(id)") }
            return .json(200, record.json)
        } catch {
            return APIResponse(error)
        }
    }

    /// `DELETE /api/rag/job/{id}`: 200 when cancelled, 409 when it had already finished, 404 if unknown.
    func cancel(_ text: String) async -> APIResponse {
        do throws(APIError) {
            let id = try Self.jobID(text)
            let result: CancelResult
            do {
                result = try await queue.cancel(id)
            } catch {
                throw APIError(error)
            }
            switch result {
            case .cancelled:
                return .json(200, .object(["jobId": .string(id.rawValue), "status": .string("cancelled")]))
            case .alreadyFinal(let status):
                throw APIError(status: 409, code: "already_finished", message: "job \(id) is already \(status.rawValue)")
            case .notFound:
                throw .notFound("no job \(id)")
            }
        } catch {
            return APIResponse(error)
        }
    }
}
