import DroverQueue

/// An error answer: `{"error": {"code", "message"}}` with its HTTP status.
public struct APIError: Error, Sendable, Hashable {
    public var status: Int
    /// A stable, machine-readable word: `invalid_request`, `not_found`, `unauthorized`, ….
    public var code: String
    public var message: String
    /// Seconds for a `Retry-After` header (503 only).
    public var retryAfterSeconds: Int?

    public init(status: Int, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func invalid(_ message: String) -> APIError { APIError(status: 400, code: "invalid_request", message: message) }
    public static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not_found", message: message) }

    /// Maps a queue failure: the client's mistakes are 4xx, a backend that does not answer is 503.
    public init(_ error: JobQueueError) {
        switch error.code {
        case .invalidRequest: self = .invalid(error.message)
        case .jobNotFound: self = .notFound(error.message)
        case .staleLease: self.init(status: 409, code: "conflict", message: error.message)
        case .unavailable: self.init(status: 503, code: "unavailable", message: error.message, retryAfterSeconds: 1)
        }
    }

    var json: JSONValue {
        .object(["error": .object(["code": .string(code), "message": .string(message)])])
    }
}
