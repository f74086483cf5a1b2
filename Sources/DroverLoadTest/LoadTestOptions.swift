import DroverHTTPClient
import DroverJSON
import DroverQueue

/// What `drover loadtest` sends, how hard, and for how long.
public struct LoadTestOptions: Sendable {
    /// Where requests go; a bare base URL becomes `/api/rag/<type>?mode=<mode>`.
    public var url: HTTPURL
    public var method = "POST"
    /// The body; `{{n}}` is replaced by the request's number, so that no two bodies are equal
    /// (the queue would return the first job for an equal body within its dedup window).
    public var bodyTemplate: String
    public var headers: [HTTPHeader] = []
    /// Connections, and requests in flight at most.
    public var concurrency: Int
    public var duration: Duration
    /// Requests per second in open loop; `nil` for closed loop (each connection sends its next
    /// request as soon as the last one is answered).
    public var rate: Double?
    public var requestTimeout: Duration = .seconds(30)

    public static let defaultBodyTemplate = #"{"query":"loadtest {{n}}","sleepMs":0}"#

    public init(url: HTTPURL, bodyTemplate: String = LoadTestOptions.defaultBodyTemplate, concurrency: Int, duration: Duration, rate: Double? = nil) {
        self.url = url
        self.bodyTemplate = bodyTemplate
        self.concurrency = concurrency
        self.duration = duration
        self.rate = rate
    }

    /// Options for `URL`: a base URL (path `/`) posts jobs of `type` to `/api/rag/<type>?mode=<mode>`
    /// with `body` or a default noop-style body, adding `priority` when given.
    public static func forCommandLine(
        url text: String, type: String, mode: String?, priority: String?, body: String?, token: String?,
        concurrency: Int, durationSeconds: Double, rate: Double?
    ) throws(LoadTestError) -> LoadTestOptions {
        guard concurrency >= 1, concurrency <= 10_000 else { throw LoadTestError("--concurrency must be 1...10000, got \(concurrency)") }
        guard durationSeconds > 0, durationSeconds <= 86_400 else {
            throw LoadTestError("--duration must be more than 0 and at most 86400 seconds, got \(durationSeconds)")
        }
        if let rate { guard rate > 0, rate <= 1_000_000 else { throw LoadTestError("--rate must be more than 0 and at most 1000000, got \(rate)") } }
        guard JobType(rawValue: type) != nil else {
            throw LoadTestError("--type must be one of \(JobType.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(type)\"")
        }
        if let mode { guard mode == "sync" || mode == "async" else { throw LoadTestError("--mode must be sync or async, got \"\(mode)\"") } }
        if let priority {
            guard JobPriority(rawValue: priority) != nil else { throw LoadTestError("--priority must be high, normal or low, got \"\(priority)\"") }
        }
        var url: HTTPURL
        do {
            url = try HTTPURL(parsing: text)
            if url.target == "/" {
                url = try HTTPURL(parsing: "http://\(url.hostHeader)/api/rag/\(type)" + (mode.map { "?mode=\($0)" } ?? ""))
            }
        } catch {
            throw LoadTestError("URL: \(error.message)")
        }
        var template = body ?? defaultBodyTemplate
        if let priority {
            guard body == nil else { throw LoadTestError("with --body, give the priority inside the body rather than with --priority") }
            template = #"{"query":"loadtest {{n}}","sleepMs":0,"priority":"\#(priority)"}"#
        }
        // The body must be JSON once a number stands in for {{n}}.
        do {
            _ = try JSONValue(parsing: template.replacing("{{n}}", with: "0"))
        } catch {
            throw LoadTestError("--body is not valid JSON (with {{n}} as a number): \(error)")
        }
        var options = LoadTestOptions(url: url, bodyTemplate: template, concurrency: concurrency, duration: .seconds(durationSeconds), rate: rate)
        options.headers = [HTTPHeader("Content-Type", "application/json")]
        if let token {
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw LoadTestError("--token must be a non-empty token without spaces")
            }
            options.headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
        }
        return options
    }
}

/// A load test that cannot start: a bad option, named.
public struct LoadTestError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
