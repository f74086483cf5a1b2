/// Admission control (backpressure) as a pure policy: depth samples and admissions in, decisions out.
///
/// The warning band, `warningThreshold ..< maxQueueDepth`, is handed out by priority, lowest first:
/// every priority is admitted in its first `lowShare` percent, `normal` and `high` up to
/// `lowShare + normalShare` percent, and only `high` above that. At `maxQueueDepth` and beyond only
/// `high` is admitted, and `high` is never refused. So `low` is refused first, and refusals grow
/// step by step as the queue fills instead of all at once.
///
/// The depth between two samples is the last sample plus what was admitted since, less what
/// workers started since (the caller reports starts as it sees them), so a burst inside one second
/// cannot overshoot the limits, and a fast pool is not refused for work it already took. The drain rate (jobs leaving the queue per
/// second) is what was admitted minus how much the depth grew, smoothed; it sets `Retry-After`
/// and the `estimatedWaitMs` of async answers. Time is an input, in milliseconds.
public struct AdmissionPolicy: Sendable {
    public let settings: AdmissionSettings
    /// The depth at the last sample.
    public private(set) var sampledDepth = 0
    /// Jobs admitted since the last sample.
    public private(set) var admittedSinceSample = 0
    /// Jobs that left the queue for a worker since the last sample.
    public private(set) var startedSinceSample = 0
    /// Jobs leaving the queue per second, smoothed; `nil` until two samples were taken.
    public private(set) var drainRatePerSecond: Double?
    private var lastSampleAtMs: Int64?
    /// Until when each priority stays refused once refused (the cooldown).
    private var refusedUntilMs: [AdmissionPriority: Int64] = [:]
    /// Refusals since start, by priority.
    public private(set) var refusals: [AdmissionPriority: Int] = [:]

    public init(settings: AdmissionSettings) {
        precondition(settings.maxQueueDepth > 0, "maxQueueDepth must be positive")
        self.settings = settings
    }

    /// The depth admission works with: the last sample, plus what was admitted since, less what started since.
    public var estimatedDepth: Int { max(0, sampledDepth + admittedSinceSample - startedSinceSample) }

    /// Takes back one admission whose job did not join the queue (the queue answered with an
    /// existing job, or the enqueue failed).
    public mutating func withdraw() {
        admittedSinceSample = max(0, admittedSinceSample - 1)
    }

    /// Records that `count` jobs left the queue for a worker (a job event said `active`).
    public mutating func started(_ count: Int) {
        startedSinceSample += count
    }

    public var zone: AdmissionZone { Self.zone(of: estimatedDepth, settings) }

    static func zone(of depth: Int, _ settings: AdmissionSettings) -> AdmissionZone {
        if depth >= settings.maxQueueDepth { return .critical }
        if depth >= settings.warningThreshold { return .warning }
        return .normal
    }

    /// The depth from which `priority` is refused; `nil` for `high`, which never is.
    public func limit(for priority: AdmissionPriority) -> Int? {
        let band = Double(max(0, settings.maxQueueDepth - settings.warningThreshold))
        let total = Double(max(1, settings.lowShare + settings.normalShare + settings.highShare))
        switch priority {
        case .high: return nil
        case .low: return settings.warningThreshold + Int(band * Double(settings.lowShare) / total)
        case .normal:
            let share = Double(settings.lowShare + settings.normalShare) / total
            return min(settings.maxQueueDepth, settings.warningThreshold + Int(band * share))
        }
    }

    /// Records a depth sample (jobs waiting across the queues) taken at `nowMs`; returns the zone
    /// before and after, so the caller can log a change.
    @discardableResult
    public mutating func sample(depth: Int, nowMs: Int64) -> (before: AdmissionZone, after: AdmissionZone) {
        let before = zone
        if let last = lastSampleAtMs, nowMs > last {
            let seconds = Double(nowMs - last) / 1000
            let left = Double(admittedSinceSample) - Double(depth - sampledDepth)
            let rate = max(0, left / seconds)
            if let previous = drainRatePerSecond {
                let smoothed = previous + settings.drainRateSmoothing * (rate - previous)
                // A queue that ran empty drained all it was given, however fast the workers are: such a
                // sample is a floor on the rate, not a measure of it. Otherwise an idle hour would decay
                // the rate toward zero and the first jobs after it would be told to wait for days.
                drainRatePerSecond = depth > 0 ? smoothed : max(previous, smoothed)
            } else {
                drainRatePerSecond = rate
            }
        }
        lastSampleAtMs = nowMs
        sampledDepth = max(0, depth)
        admittedSinceSample = 0
        startedSinceSample = 0
        return (before, zone)
    }

    /// Decides about one job of `priority` at `nowMs`; an admitted job counts toward the depth.
    public mutating func admit(_ priority: AdmissionPriority, nowMs: Int64) -> AdmissionDecision {
        let depth = estimatedDepth
        if let limit = limit(for: priority) {
            let cooling = (refusedUntilMs[priority] ?? Int64.min) > nowMs
            if depth >= limit || cooling {
                if depth >= limit { refusedUntilMs[priority] = nowMs + settings.cooldownMs }
                refusals[priority, default: 0] += 1
                return .refuse(retryAfterSeconds: retryAfterSeconds(excess: depth - limit + 1), zone: zone)
            }
        }
        admittedSinceSample += 1
        return .admit
    }

    /// Seconds until `excess` jobs have drained at the measured rate, within the configured bounds.
    public func retryAfterSeconds(excess: Int) -> Int {
        let floor = max(settings.minRetryAfterSeconds, Int((settings.cooldownMs + 999) / 1000))
        guard let rate = drainRatePerSecond, rate > 0 else { return min(settings.maxRetryAfterSeconds, max(floor, 5)) }
        // Capped as a Double: a rate near zero makes the quotient too large for an Int.
        let seconds = min((Double(max(1, excess)) / rate).rounded(.up), Double(settings.maxRetryAfterSeconds))
        return min(settings.maxRetryAfterSeconds, max(floor, Int(seconds)))
    }

    /// How long a job admitted now waits before it starts, from the depth and the drain rate;
    /// `nil` while the rate is unknown.
    public var estimatedWaitMs: Int? {
        guard let rate = drainRatePerSecond, rate > 0 else { return estimatedDepth == 0 ? 0 : nil }
        return Int(min((Double(estimatedDepth) / rate * 1000).rounded(), Double(Self.longestEstimatedWaitMs)))
    }

    /// The longest wait an estimate names: a day. Beyond it the number means only "the queue is stuck".
    public static let longestEstimatedWaitMs = 86_400_000
}
