import DroverJSON
/// One worker as `drover status` shows it.
public struct WorkerStatus: Hashable, Sendable {
    public var id: String
    public var pid: Int32
    /// The supervisor's name for the worker's state, e.g. "booting", "ready", "draining".
    public var state: String
    public var activeJobs: Int
    public var completedJobs: Int
    public var failedJobs: Int
    public var avgLatencyMs: Double
    public var memoryUsageMB: Double
    public var cpuPercent: Double
    public var uptimeSeconds: Double
    /// Time since the last heartbeat; nil before the first one.
    public var lastHeartbeatAgoMs: Int?
    /// How often this worker's slot has been respawned.
    public var restarts: Int
    /// The slot's circuit breaker: `closed`, `open` (tripped: out of routing) or `half-open`.
    public var breaker: String = "closed"
    /// The worker's RAG cache hits and misses per tier, from its last heartbeat.
    public var cache = CacheCounts()

    public init(
        id: String, pid: Int32, state: String,
        activeJobs: Int = 0, completedJobs: Int = 0, failedJobs: Int = 0,
        avgLatencyMs: Double = 0, memoryUsageMB: Double = 0, cpuPercent: Double = 0, uptimeSeconds: Double = 0,
        lastHeartbeatAgoMs: Int? = nil, restarts: Int = 0
    ) {
        self.id = id
        self.pid = pid
        self.state = state
        self.activeJobs = activeJobs
        self.completedJobs = completedJobs
        self.failedJobs = failedJobs
        self.avgLatencyMs = avgLatencyMs
        self.memoryUsageMB = memoryUsageMB
        self.cpuPercent = cpuPercent
        self.uptimeSeconds = uptimeSeconds
        self.lastHeartbeatAgoMs = lastHeartbeatAgoMs
        self.restarts = restarts
    }
}

extension WorkerStatus {
    var json: JSONValue {
        .object([
            "id": .string(id),
            "pid": .int(Int(pid)),
            "state": .string(state),
            "activeJobs": .int(activeJobs),
            "completedJobs": .int(completedJobs),
            "failedJobs": .int(failedJobs),
            "avgLatencyMs": .double(avgLatencyMs),
            "memoryUsageMB": .double(memoryUsageMB),
            "cpuPercent": .double(cpuPercent),
            "uptime": .double(uptimeSeconds),
            "lastHeartbeatAgoMs": lastHeartbeatAgoMs.map { .int($0) } ?? .null,
            "restarts": .int(restarts),
            "breaker": .string(breaker),
            "cache": .object([
                "l1Hits": .int(cache.l1Hits), "l1Misses": .int(cache.l1Misses),
                "l2Hits": .int(cache.l2Hits), "l2Misses": .int(cache.l2Misses),
            ]),
        ])
    }

    init(json: JSONValue) throws(AdminProtocolError) {
        let fields = try JSONFields(json, context: "worker status", code: .invalidResponse)
        let pid = try fields.int("pid")
        guard let pid32 = Int32(exactly: pid) else {
            throw AdminProtocolError(.invalidResponse, "worker status pid \(pid) is not a process id")
        }
        self.init(
            id: try fields.string("id"),
            pid: pid32,
            state: try fields.string("state"),
            activeJobs: try fields.int("activeJobs"),
            completedJobs: try fields.int("completedJobs"),
            failedJobs: try fields.int("failedJobs"),
            avgLatencyMs: try fields.double("avgLatencyMs"),
            memoryUsageMB: try fields.double("memoryUsageMB"),
            cpuPercent: try fields.double("cpuPercent"),
            uptimeSeconds: try fields.double("uptime"),
            lastHeartbeatAgoMs: try fields.optionalInt("lastHeartbeatAgoMs"),
            restarts: try fields.int("restarts")
        )
        breaker = try fields.optionalString("breaker") ?? "closed"
        if let counts = fields.members["cache"], counts != .null {
            let cacheFields = try JSONFields(counts, context: "worker cache counts", code: .invalidResponse)
            cache = CacheCounts(
                l1Hits: try cacheFields.int("l1Hits"), l1Misses: try cacheFields.int("l1Misses"),
                l2Hits: try cacheFields.int("l2Hits"), l2Misses: try cacheFields.int("l2Misses"))
        }
    }
}

extension WorkerStatus {
    /// The states in which a worker takes jobs.
    public static let readyStates: Set<String> = ["ready", "idle", "busy", "overloaded"]
}
