import DroverHTTPClient
import DroverJSON

/// Where an OpenAI-compatible server is and how to call it: base URL, key, timeout and retries.
///
/// Shared by the embedder and the chat generator; holds no connection of its own (the
/// `HTTPClient` pools them).
public struct OpenAIEndpoint: Sendable {
    /// Base URL up to and including the API version, e.g. `http://127.0.0.1:11434/v1`.
    public let baseURL: String
    /// Sent as `Authorization: Bearer …` when not empty.
    public var apiKey: String
    /// Longest one embeddings request may take. Default: 30 s.
    public var timeout: Duration = .seconds(30)
    /// Further attempts after a 5xx, a 429 or a connection fault. Default: 2.
    public var retries = 2
    /// Wait before the first retry; doubled for each further one. Default: 200 ms.
    public var backoffBase: Duration = .milliseconds(200)
    public let client: HTTPClient

    /// Checks `baseURL` (plain `http://` only: the client has no TLS).
    public init(baseURL: String, apiKey: String = "", client: HTTPClient) throws(OpenAIError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        do {
            _ = try HTTPURL(parsing: base + "/embeddings")
        } catch {
            throw OpenAIError("rag.openai.baseURL: \(error.message)", retryable: false)
        }
        self.baseURL = base
        self.apiKey = apiKey
        self.client = client
    }

    /// POSTs `body` to `path` and parses the JSON answer, retrying transient failures with backoff.
    func postJSON(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        let request = try request(path, body, timeout: timeout)
        return try await retrying(until: nil) {
            let response = try await send(request)
            guard (200..<300).contains(response.status) else {
                throw Self.statusError(response.status, body: response.body, url: request.url)
            }
            do {
                return try JSONValue(parsing: response.body)
            } catch {
                throw OpenAIError("\(request.url) answered with a body that is not JSON: \(error)", retryable: false)
            }
        }
    }

    /// POSTs `body` to `path` and answers once a 2xx head arrived; the whole exchange, body
    /// included, ends by `deadline`. A failure before the head is retried like `postJSON` while
    /// time remains, never one after the body started (its tokens are already spent).
    func postStreaming(_ path: String, _ body: JSONValue, deadline: ContinuousClock.Instant) async throws -> HTTPStreamingResponse {
        try await retrying(until: deadline) {
            let request = try request(path, body, timeout: deadline - .now)
            let response: HTTPStreamingResponse
            do {
                response = try await client.stream(request)
            } catch let error as HTTPClientError {
                throw Self.transportError(error, url: request.url)
            }
            guard (200..<300).contains(response.status) else {
                let bytes = (try? await response.collect(upTo: 65_536)) ?? []
                throw Self.statusError(response.status, body: bytes, url: request.url)
            }
            return response
        }
    }

    /// Runs `attempt` again after a retryable `OpenAIError`, up to `retries` more times, waiting
    /// the base backoff doubled per retry; never past `deadline`, when there is one.
    private func retrying<Answer>(until deadline: ContinuousClock.Instant?, _ attempt: () async throws -> Answer) async throws -> Answer {
        var retry = 0
        while true {
            do {
                return try await attempt()
            } catch let error as OpenAIError where error.retryable && retry < retries {
                retry += 1
                let wait = backoffBase * (1 << min(retry - 1, 10))
                if let deadline, ContinuousClock.now + wait >= deadline { throw error }
                try await Task.sleep(for: wait)
            }
        }
    }

    private func request(_ path: String, _ body: JSONValue, timeout: Duration) throws(OpenAIError) -> HTTPRequest {
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json, text/event-stream")]
        if !apiKey.isEmpty { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        do {
            var request = try HTTPRequest(method: "POST", url: baseURL + path, headers: headers, body: Array(body.serialized().utf8))
            request.timeout = timeout
            return request
        } catch {
            throw OpenAIError("cannot call \(baseURL + path): \(error.message)", retryable: false)
        }
    }

    private func send(_ request: HTTPRequest) async throws(OpenAIError) -> HTTPResponse {
        do {
            return try await client.send(request)
        } catch {
            throw Self.transportError(error, url: request.url)
        }
    }

    static func transportError(_ error: HTTPClientError, url: HTTPURL) -> OpenAIError {
        OpenAIError("\(url): \(error)", retryable: error.isTransient)
    }

    /// A non-2xx answer, quoting the server's own `error.message` when it sent one.
    static func statusError(_ status: Int, body: [UInt8], url: HTTPURL) -> OpenAIError {
        let detail = (try? JSONValue(parsing: body))?["error"].flatMap { $0["message"]?.stringValue ?? $0.stringValue }
            ?? String(decoding: body.prefix(300), as: UTF8.self)
        return OpenAIError("\(url) answered HTTP \(status): \(detail)", retryable: status >= 500 || status == 429)
    }
}
