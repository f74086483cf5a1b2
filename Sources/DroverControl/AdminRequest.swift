import DroverJSON
/// What `drover status|scale|drain` asks a running supervisor.
public enum AdminRequest: Hashable, Sendable {
    /// The pool as it is now.
    case status
    /// Run this many workers from now on (the supervisor applies its own min/max).
    case scale(workers: Int)
    /// Drain one worker: it finishes its jobs and exits; the pool replaces it if still wanted.
    case drain(workerID: String)
    /// Where jobs of these users should go now (sticky routing): what `drover enqueue` asks.
    case route(userIDs: [String])
}

extension AdminRequest {
    /// The request as one JSON line, without the newline.
    public var jsonLine: String {
        let members: [String: JSONValue] = switch self {
        case .status: ["command": .string("status")]
        case .scale(let workers): ["command": .string("scale"), "workers": .int(workers)]
        case .drain(let workerID): ["command": .string("drain"), "workerID": .string(workerID)]
        case .route(let userIDs): ["command": .string("route"), "userIDs": .array(userIDs.map(JSONValue.string))]
        }
        return JSONValue.object(members).serialized(sortedKeys: true)
    }

    /// Reads a request line (newline already removed).
    ///
    /// - Throws: `.lineTooLong`, `.invalidJSON`, or `.invalidRequest` naming what is wrong.
    public init(jsonLine line: [UInt8]) throws(AdminProtocolError) {
        guard line.count <= AdminProtocol.maxRequestLength else {
            throw AdminProtocolError(.lineTooLong, "request is \(line.count) bytes; the limit is \(AdminProtocol.maxRequestLength)")
        }
        let fields = try JSONFields(parsing: line, context: "request", code: .invalidRequest)
        let command = try fields.string("command")
        switch command {
        case "status":
            self = .status
        case "scale":
            let workers = try fields.int("workers")
            guard workers >= 0 else {
                throw AdminProtocolError(.invalidRequest, "scale needs a worker count of 0 or more, got \(workers)")
            }
            self = .scale(workers: workers)
        case "drain":
            let workerID = try fields.string("workerID")
            guard !workerID.isEmpty else {
                throw AdminProtocolError(.invalidRequest, "drain needs a non-empty workerID")
            }
            self = .drain(workerID: workerID)
        case "route":
            var userIDs: [String] = []
            for value in try fields.array("userIDs") {
                guard case .string(let user) = value, !user.isEmpty else {
                    throw AdminProtocolError(.invalidRequest, "route needs userIDs as non-empty strings")
                }
                userIDs.append(user)
            }
            self = .route(userIDs: userIDs)
        default:
            throw AdminProtocolError(.invalidRequest, "unknown command \"\(command)\"; expected status, scale, drain or route")
        }
    }

    public init(jsonLine line: String) throws(AdminProtocolError) {
        try self.init(jsonLine: Array(line.utf8))
    }
}
