import DroverJSON
/// The autoscaler as `drover status` shows it: whether it runs, what it saw, what it did last.
public struct AutoscaleStatus: Hashable, Sendable {
    public var enabled: Bool
    /// Jobs waiting across the pool's queues at the last sample; nil before the first.
    public var lastSampledWaiting: Int?
    /// The last scaling step with its reason, e.g. "up to 8 workers: 5000 waiting, …"; nil before the first.
    public var lastStep: String?
    /// Time since that step.
    public var lastStepAgoMs: Int?

    public init(enabled: Bool, lastSampledWaiting: Int? = nil, lastStep: String? = nil, lastStepAgoMs: Int? = nil) {
        self.enabled = enabled
        self.lastSampledWaiting = lastSampledWaiting
        self.lastStep = lastStep
        self.lastStepAgoMs = lastStepAgoMs
    }
}

extension AutoscaleStatus {
    var json: JSONValue {
        .object([
            "enabled": .bool(enabled),
            "lastSampledWaiting": lastSampledWaiting.map { .int($0) } ?? .null,
            "lastStep": lastStep.map(JSONValue.string) ?? .null,
            "lastStepAgoMs": lastStepAgoMs.map { .int($0) } ?? .null,
        ])
    }

    init(json: JSONValue) throws(AdminProtocolError) {
        let fields = try JSONFields(json, context: "autoscale status", code: .invalidResponse)
        self.init(
            enabled: try fields.bool("enabled"),
            lastSampledWaiting: try fields.optionalInt("lastSampledWaiting"),
            lastStep: try fields.optionalString("lastStep"),
            lastStepAgoMs: try fields.optionalInt("lastStepAgoMs"))
    }
}
