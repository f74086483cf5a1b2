import DroverHTTPClient
import DroverQueue
import DroverWorker

/// The `http` handler: forwards a job to an existing RAG service and returns its answer.
///
/// POSTs the job's payload as JSON to the upstream URL configured for the job's type and returns
/// the JSON body of a 2xx answer as the job's result. A 5xx, 408, 429 or a connection fault is a
/// retryable failure; any other status, or a body that is not JSON, fails the job for good.
public struct HTTPUpstreamHandler: JobHandler {
    public let url: HTTPURL
    let client: HTTPClient

    /// Checks `url` now, so a bad one stops the worker at start rather than failing every job.
    public init(url: String, client: HTTPClient) throws(HTTPClientError) {
        self.url = try HTTPURL(parsing: url)
        self.client = client
    }

    public func handle(_ job: Job, context: JobContext) async throws -> JSONValue {
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
        do {
            return try JSONValue(parsing: response.body)
        } catch {
            throw JobFailure("upstream \(url) answered with a body that is not JSON: \(error)", retryable: false)
        }
    }
}
