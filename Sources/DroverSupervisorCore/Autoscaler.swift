/// Scales the pool on queue depth: a pure policy, fed one sample at a time with the time.
///
/// Grows when the waiting jobs per ready worker stay above the threshold for
/// `samplesBeforeScaleUp` samples in a row, by a step proportional to the backlog (enough workers
/// for the threshold, at least one more), up to `maxWorkers`. Shrinks one worker at a time, once
/// the pool has had a worker to spare for `idleBeforeScaleDownMs`, never below `minWorkers`.
/// Any step starts a cooldown in which no other step is taken, so it cannot flap. Booting workers
/// are not ready, so the backlog per ready worker stays high while they boot; the cooldown is what
/// keeps that from adding workers twice for the same backlog.
public struct Autoscaler: Hashable, Sendable {
    public var policy: AutoscalePolicy
    /// Samples in a row above the threshold.
    var overSamples = 0
    /// Since when the pool has had a worker to spare; nil while it has not.
    var spareSince: Instant?
    /// The last step and when it was taken, for the cooldown, status output and metrics.
    public private(set) var lastStep: AutoscaleDecision?
    public private(set) var lastStepAt: Instant?
    /// The last sample, for status output and metrics.
    public private(set) var lastSample: AutoscaleSample?

    public init(policy: AutoscalePolicy) {
        self.policy = policy
    }

    /// Decides what one sample calls for; `concurrency` is jobs per worker, `bounds` min…max workers.
    public mutating func observe(
        _ sample: AutoscaleSample, concurrency: Int, bounds: ClosedRange<Int>, now: Instant
    ) -> AutoscaleDecision {
        lastSample = sample
        let desired = sample.desiredWorkers
        let threshold = policy.scaleUpDepthPerWorker
        // With no worker ready, any backlog is too deep.
        let perWorker = sample.readyWorkers > 0 ? Double(sample.waiting) / Double(sample.readyWorkers) : (sample.waiting > 0 ? .infinity : 0)
        overSamples = perWorker > Double(threshold) ? overSamples + 1 : 0
        // A worker to spare: nothing waits and the running jobs would fit on one worker fewer.
        let spare = sample.waiting == 0 && sample.runningJobs <= (desired - 1) * concurrency
        if spare { spareSince = spareSince ?? now } else { spareSince = nil }

        let cooling = lastStepAt.map { now - $0 < policy.cooldownMs } ?? false
        let depth = "\(sample.waiting) waiting, \(sample.readyWorkers) ready of \(desired)"
        if overSamples >= policy.samplesBeforeScaleUp {
            guard desired < bounds.upperBound else {
                return .blocked(reason: "\(depth): backlog over \(threshold) per worker but already at maxWorkers \(bounds.upperBound)")
            }
            guard !cooling else {
                return .blocked(reason: "\(depth): backlog over \(threshold) per worker but cooling down")
            }
            // Enough workers for `threshold` jobs each, rounded up; at least one more.
            let needed = (sample.waiting + threshold - 1) / threshold
            let target = min(bounds.upperBound, max(desired + 1, needed))
            return step(.scaleUp(to: target, reason: "\(depth): over \(threshold) waiting per ready worker for \(overSamples) samples"), now: now)
        }
        if let since = spareSince, now - since >= policy.idleBeforeScaleDownMs {
            guard desired > bounds.lowerBound else {
                return .blocked(reason: "\(depth): idle but already at minWorkers \(bounds.lowerBound)")
            }
            guard !cooling else {
                return .blocked(reason: "\(depth): idle but cooling down")
            }
            return step(.scaleDown(to: desired - 1, reason: "\(depth), \(sample.runningJobs) running: a worker to spare for \(now - since) ms"), now: now)
        }
        return .hold(reason: depth)
    }

    /// An operator resized the pool (`drover scale`, SIGTTIN/SIGTTOU): the cooldown starts over,
    /// so the autoscaler does not undo it at the next sample.
    public mutating func noteOperatorStep(at now: Instant) {
        lastStepAt = now
        overSamples = 0
    }

    private mutating func step(_ decision: AutoscaleDecision, now: Instant) -> AutoscaleDecision {
        lastStepAt = now
        lastStep = decision
        overSamples = 0
        return decision
    }
}
