import DroverQueue

/// One HTTP answer as the API builds it; the server adapter writes it out.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Seconds for a `Retry-After` header.
    public var retryAfterSeconds: Int?
    /// Other headers the answer needs: `Allow` on a 405, `WWW-Authenticate` on a 401.
    public var headers: [String: String] = [:]

    public init(status: Int, contentType: String = "application/json", body: [UInt8], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// A JSON answer.
    public static func json(_ status: Int, _ value: JSONValue) -> APIResponse {
        var body: [UInt8] = []
        body.reserveCapacity(128)
        value.write(into: &body, sortedKeys: false)
        return APIResponse(status: status, body: body)
    }

    public init(_ error: APIError) {
        self = .json(error.status, error.json)
        retryAfterSeconds = error.retryAfterSeconds
    }

    /// The body parsed back as JSON (for tests and clients).
    public var jsonBody: JSONValue? { try? JSONValue(parsing: body) }
}
