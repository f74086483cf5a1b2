import DroverJSON
/// A supervisor's answer on the admin socket.
public enum AdminResponse: Hashable, Sendable {
    /// The answer to `status`.
    case status(PoolStatus)
    /// The request was accepted; the message says what will happen.
    case ok(String)
    /// The request was refused or failed; the message says why, for the operator.
    case error(String)
    /// The answer to `route`: user id → worker id; a user left out goes to the shared queues.
    case routes([String: String])
}

extension AdminResponse {
    /// The response as one JSON line, without the newline.
    public var jsonLine: String {
        let members: [String: JSONValue] = switch self {
        case .status(let status): ["ok": .bool(true), "status": status.json]
        case .ok(let message): ["ok": .bool(true), "message": .string(message)]
        case .error(let message): ["ok": .bool(false), "error": .string(message)]
        case .routes(let routes): ["ok": .bool(true), "routes": .object(routes.mapValues(JSONValue.string))]
        }
        return JSONValue.object(members).serialized(sortedKeys: true)
    }

    /// Reads a response line (newline already removed).
    public init(jsonLine line: [UInt8]) throws(AdminProtocolError) {
        let fields = try JSONFields(parsing: line, context: "response", code: .invalidResponse)
        if try !fields.bool("ok") {
            self = .error(try fields.string("error"))
        } else if case .object(let members)? = fields.members["routes"] {
            var routes: [String: String] = [:]
            for (user, worker) in members {
                guard case .string(let id) = worker else {
                    throw AdminProtocolError(.invalidResponse, "route for \(user.debugDescription) is not a worker id")
                }
                routes[user] = id
            }
            self = .routes(routes)
        } else if fields.members["status"] != nil {
            self = .status(try PoolStatus(json: fields.object("status")))
        } else {
            self = .ok(try fields.string("message"))
        }
    }

    public init(jsonLine line: String) throws(AdminProtocolError) {
        try self.init(jsonLine: Array(line.utf8))
    }
}
