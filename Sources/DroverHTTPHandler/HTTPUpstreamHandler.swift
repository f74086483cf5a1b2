import DroverHTTPClient
import DroverJSON
import DroverQueue
import DroverWorker

/// The `http` handler: forwards a job to an existing RAG service and returns its answer.
///
/// POSTs the job's payload as JSON to the upstream URL configured for the job's type and returns
/// the JSON body of a 2xx answer as the job's result. A 5xx, 408, 429 or a connection fault is a
/// retryable failure; any other status, or a body that is not JSON, fails the job for good.
///
/// With a `cache`, answers of read jobs are served from and filed in the worker's two tiers (see
/// `UpstreamCache`), and an `index` job retires every cached answer of its upstream service.
public struct HTTPUpstreamHandler: JobHandler {
    public let url: HTTPURL
    let client: HTTPClient
    let cache: UpstreamCache?

    /// Checks `url` now, so a bad one stops the worker at start rather than failing every job.
    public init(url: String, client: HTTPClient, cache: UpstreamCache? = nil) throws(HTTPClientError) {
        self.url = try HTTPURL(parsing: url)
        self.client = client
        self.cache = cache
    }

    public func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
        guard let cache else { return try await forward(job).result }
        if job.type == .index { return try await forwardIndex(job, cache: cache) }
        let bypass = try Self.bypassesCache(job.payload)
        guard let slot = await cache.slot(for: job, url: url) else { return try await forward(job).result }
        if !bypass, let cached = await cache.answer(in: slot) { return cached }
        let (result, cacheControl) = try await forward(job)
        await cache.file(result, in: slot, cacheControl: cacheControl)
        return result
    }

    /// Forwards an `index` job, then retires the upstream's cached answers whatever the outcome:
    /// even a failed attempt may have changed some documents.
    private func forwardIndex(_ job: Job, cache: UpstreamCache) async throws -> JSONValue {
        let outcome: Result<JSONValue, any Error>
        do {
            outcome = .success(try await forward(job).result)
        } catch {
            outcome = .failure(error)
        }
        do {
            try await cache.invalidate(url)
        } catch {
            // Retried, so a worker never serves answers from before an index it reported done.
            if case .success = outcome {
                throw JobFailure("upstream \(url) indexed, but its cached answers could not be retired: \(error)", retryable: true)
            }
        }
        return try outcome.get()
    }

    /// Whether the payload asks to skip the cache; a `cache` field that is not a boolean is refused.
    static func bypassesCache(_ payload: JSONValue) throws(JobFailure) -> Bool {
        guard let field = payload[UpstreamCache.bypassField] else { return false }
        guard let wanted = field.boolValue else {
            throw JobFailure("payload field \(UpstreamCache.bypassField) must be true or false, got \(field.serialized())", retryable: false)
        }
        return !wanted
    }

    /// POSTs the job upstream; the JSON result of a 2xx answer and what it says about caching.
    private func forward(_ job: Job) async throws -> (result: JSONValue, cacheControl: CacheControl) {
        var request = HTTPRequest(
            method: "POST", url: url,
            headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json"),
                HTTPHeader("X-Drover-Job-Id", job.id.rawValue), HTTPHeader("X-Drover-Attempt", String(job.attempt)),
            ],
            body: Array(job.payload.serialized().utf8))
        // A little before the queue's own timeout, so the failure is recorded as this handler's.
        request.timeout = .milliseconds(max(1, job.timeoutMs - min(1_000, job.timeoutMs / 10)))
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            throw JobFailure("upstream \(url): \(error)", retryable: error.isTransient)
        }
        guard (200..<300).contains(response.status) else {
            let retryable = response.status >= 500 || response.status == 408 || response.status == 429
            throw JobFailure("upstream \(url) answered HTTP \(response.status): \(response.text.prefix(300))", retryable: retryable)
        }
        let result: JSONValue
        do {
            result = try JSONValue(parsing: response.body)
        } catch {
            throw JobFailure("upstream \(url) answered with a body that is not JSON: \(error)", retryable: false)
        }
        let cacheControl = CacheControl(headerValues: response.headerValues("Cache-Control"))
        return (result, cacheControl)
    }
}
