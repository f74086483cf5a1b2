import DroverJSON
/// A snapshot of a supervisor's pool: the answer to `drover status`.
public struct PoolStatus: Hashable, Sendable {
    /// `single`, `multi` or `distributed`.
    public var mode: String
    public var desiredWorkers: Int
    public var workers: [WorkerStatus]
    /// Why the pool is degraded (e.g. "restart intensity exceeded"), or nil when healthy.
    public var degradedReason: String?
    /// Jobs waiting across the queues, when the supervisor could read it.
    public var queueDepth: Int?
    /// Slots served by a ready worker: the actual size, against `desiredWorkers`; nil from older supervisors.
    public var readyWorkers: Int?
    /// The autoscaler; nil from older supervisors.
    public var autoscale: AutoscaleStatus?
    /// Restarts since the supervisor started, by reason; nil from older supervisors.
    public var restartsByReason: [String: Int]?

    public init(mode: String, desiredWorkers: Int, workers: [WorkerStatus], degradedReason: String? = nil, queueDepth: Int? = nil) {
        self.mode = mode
        self.desiredWorkers = desiredWorkers
        self.workers = workers
        self.degradedReason = degradedReason
        self.queueDepth = queueDepth
    }
}

extension PoolStatus {
    var json: JSONValue {
        .object([
            "mode": .string(mode),
            "desiredWorkers": .int(desiredWorkers),
            "workers": .array(workers.map(\.json)),
            "degradedReason": degradedReason.map(JSONValue.string) ?? .null,
            "queueDepth": queueDepth.map { .int($0) } ?? .null,
            "readyWorkers": readyWorkers.map { .int($0) } ?? .null,
            "autoscale": autoscale?.json ?? .null,
            "restartsByReason": restartsByReason.map { counts in .object(counts.mapValues { .int($0) }) } ?? .null,
        ])
    }

    init(json: JSONValue) throws(AdminProtocolError) {
        let fields = try JSONFields(json, context: "status", code: .invalidResponse)
        var workers: [WorkerStatus] = []
        for worker in try fields.array("workers") {
            workers.append(try WorkerStatus(json: worker))
        }
        self.init(
            mode: try fields.string("mode"),
            desiredWorkers: try fields.int("desiredWorkers"),
            workers: workers,
            degradedReason: try fields.optionalString("degradedReason"),
            queueDepth: try fields.optionalInt("queueDepth")
        )
        readyWorkers = try fields.optionalInt("readyWorkers")
        if let value = fields.members["autoscale"], value != .null {
            autoscale = try AutoscaleStatus(json: value)
        }
        if let value = fields.members["restartsByReason"], value != .null {
            guard let members = value.objectValue else {
                throw AdminProtocolError(.invalidResponse, "status restartsByReason must be an object")
            }
            var counts: [String: Int] = [:]
            for (reason, count) in members {
                guard let count = count.intValue, count >= 0 else {
                    throw AdminProtocolError(.invalidResponse, "status restartsByReason.\(reason) must be a count")
                }
                counts[reason] = count
            }
            restartsByReason = counts
        }
    }

    /// The snapshot as `drover status --json` prints it.
    public var jsonText: String { json.serialized(sortedKeys: true) }
}
