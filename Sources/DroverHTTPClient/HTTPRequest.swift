/// One header line.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request as the caller builds it; the client adds `Host`, `Content-Length` and keep-alive.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: HTTPURL
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Overrides the client's request timeout for this request.
    public var timeout: Duration?
    /// A numeric IP address to connect to instead of resolving `url.host` (the `Host` header still
    /// names `url.host`): a caller that checked the resolved address connects to exactly that one.
    public var connectAddress: String?
    /// Largest response body `send` accepts; larger ones fail with `.bodyTooLarge`.
    public var maxResponseBytes: Int

    public static let defaultMaxResponseBytes = 16 * 1_048_576

    public init(
        method: String = "GET", url: HTTPURL, headers: [HTTPHeader] = [], body: [UInt8] = [],
        timeout: Duration? = nil, connectAddress: String? = nil,
        maxResponseBytes: Int = HTTPRequest.defaultMaxResponseBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectAddress = connectAddress
        self.maxResponseBytes = maxResponseBytes
    }

    /// Parses `url` and builds the request; a bad URL throws `.invalidURL` or `.unsupportedScheme`.
    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) throws(HTTPClientError) {
        self.init(method: method, url: try HTTPURL(parsing: url), headers: headers, body: body)
    }

    /// A `POST` of a JSON body.
    public static func postJSON(_ url: String, _ json: String, headers: [HTTPHeader] = []) throws(HTTPClientError) -> HTTPRequest {
        try HTTPRequest(
            method: "POST", url: url, headers: [HTTPHeader("Content-Type", "application/json")] + headers,
            body: Array(json.utf8))
    }

    /// Whether sending it twice has the effect of sending it once (RFC 9110 §9.2.2).
    var isIdempotent: Bool { ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method) }
}

extension String {
    /// Compares ASCII letters without regard to case, without allocating (header names are ASCII).
    package func equalsIgnoringASCIICase(_ lowercase: String) -> Bool {
        guard utf8.count == lowercase.utf8.count else { return false }
        return zip(utf8, lowercase.utf8).allSatisfy { a, b in (a >= 65 && a <= 90 ? a + 32 : a) == b }
    }
}
