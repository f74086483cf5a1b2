import DroverAdmission
import DroverQueue
import Logging
import Synchronization

/// Runs `AdmissionPolicy` for the server: samples the queue depth every second, and decides
/// about each job under a lock. The policy itself is pure; this type only feeds it the clock.
final class AdmissionController: Sendable {
    private struct State {
        var policy: AdmissionPolicy
        /// Whether the last depth sample got an answer from the queue.
        var queueAnswers = true
        var lastProblem: String?
    }

    private let queue: any JobQueue
    private let state: Mutex<State>
    private let interval: Duration
    private let logger: Logger
    private let clockStart = ContinuousClock.now
    private let metrics: APIMetrics

    init(queue: any JobQueue, settings: AdmissionSettings, interval: Duration, metrics: APIMetrics, logger: Logger) {
        self.queue = queue
        self.state = Mutex(State(policy: AdmissionPolicy(settings: settings)))
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    func nowMs() -> Int64 {
        (ContinuousClock.now - clockStart).inMilliseconds
    }

    func admit(_ priority: JobPriority) -> AdmissionDecision {
        let now = nowMs()
        let rank = AdmissionPriority(rawValue: priority.rawValue) ?? .normal
        return state.withLock { $0.policy.admit(rank, nowMs: now) }
    }

    /// An admitted job that did not join the queue (a duplicate, or the enqueue failed).
    func withdraw() {
        state.withLock { $0.policy.withdraw() }
    }

    /// Jobs that a worker started, as job events report them.
    func started(_ count: Int) {
        state.withLock { $0.policy.started(count) }
    }

    /// The estimated depth (last sample, plus admissions, less starts since).
    var estimatedDepth: Int { state.withLock { $0.policy.estimatedDepth } }

    /// Admissions and starts counted since the last sample.
    var sinceSample: (admitted: Int, started: Int) { state.withLock { ($0.policy.admittedSinceSample, $0.policy.startedSinceSample) } }

    var estimatedWaitMs: Int? { state.withLock { $0.policy.estimatedWaitMs } }

    var drainRatePerSecond: Double? { state.withLock { $0.policy.drainRatePerSecond } }

    var zone: AdmissionZone { state.withLock { $0.policy.zone } }

    /// `nil` while the queue answers, otherwise why it does not.
    var queueProblem: String? { state.withLock { $0.queueAnswers ? nil : ($0.lastProblem ?? "the queue does not answer") } }

    /// Samples once now, then every `interval` until cancelled.
    func run() async {
        while !Task.isCancelled {
            await sampleOnce()
            try? await Task.sleep(for: interval)
        }
    }

    /// Reads the depth (jobs waiting in every queue) and feeds it to the policy.
    func sampleOnce() async {
        var depth = 0
        var problem: String?
        for type in JobType.allCases {
            do {
                let counts = try await queue.counts(of: type)
                depth += counts.waiting
                metrics.recordCounts(counts, of: type)
            } catch {
                problem = "queue: \(error.message)"
                break
            }
        }
        let now = nowMs()
        let change = state.withLock { state -> (AdmissionZone, AdmissionZone)? in
            state.queueAnswers = problem == nil
            state.lastProblem = problem
            guard problem == nil else { return nil }
            let (before, after) = state.policy.sample(depth: depth, nowMs: now)
            return before == after ? nil : (before, after)
        }
        if let (before, after) = change {
            let level: Logger.Level = after == .normal ? .info : .warning
            logger.log(level: level, "admission zone changed", metadata: [
                "from": "\(before.rawValue)", "to": "\(after.rawValue)", "depth": "\(depth)",
            ])
        }
        metrics.recordAdmission(depth: depth, zone: zone, drainRate: drainRatePerSecond)
    }
}
