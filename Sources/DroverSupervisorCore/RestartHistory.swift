/// One slot's recent failures and its current backoff level, read by `RestartPolicy`.
public struct RestartHistory: Hashable, Sendable {
    /// Failure times inside the policy window, oldest first.
    public private(set) var failures: [Instant] = []
    /// The next backoff exponent; 0 while the slot is not throttled.
    public private(set) var backoffLevel = 0

    public init() {}

    /// Records a failure and returns how long to wait before the next spawn (0: at once).
    ///
    /// - Parameters:
    ///   - workerStartedAt: when the failed worker was spawned. A worker that lived a whole window
    ///     proves the slot healthy again, so the history starts over; measuring from the spawn and
    ///     not from the previous failure keeps a long backoff from resetting itself.
    ///   - bootFailure: the worker reported it could not start (or never became ready). Restarting
    ///     that at once would loop, so it backs off from the first failure.
    public mutating func recordFailure(at now: Instant, workerStartedAt: Instant, bootFailure: Bool, policy: RestartPolicy) -> Int64 {
        if now - workerStartedAt >= policy.periodMs {
            failures.removeAll()
            backoffLevel = 0
        }
        failures.removeAll { now - $0 >= policy.periodMs }
        failures.append(now)
        // Once throttled, stay throttled until a worker survives a full window: otherwise the
        // window would empty during a long backoff and the free restarts would start a new spin.
        if !bootFailure && backoffLevel == 0 && failures.count <= policy.intensity {
            return 0
        }
        let delay = policy.backoffDelay(level: backoffLevel)
        backoffLevel = min(backoffLevel + 1, 62)
        return delay
    }

    /// Forgets everything, e.g. after a reload that may have fixed the cause.
    public mutating func reset() {
        failures.removeAll()
        backoffLevel = 0
    }
}
