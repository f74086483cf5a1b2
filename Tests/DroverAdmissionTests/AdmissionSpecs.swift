import DroverAdmission
import Testing

@Suite("Admission control: zones, priority buckets, drain rate")
struct AdmissionSpecs {
    /// warning 500, max 1000; the band 500..<1000 goes 20 % to everyone, 50 % more to normal and high.
    func policy(cooldownMs: Int64 = 1_000) -> AdmissionPolicy {
        var settings = AdmissionSettings()
        settings.cooldownMs = cooldownMs
        return AdmissionPolicy(settings: settings)
    }

    @Test("below the warning threshold every priority is admitted")
    func normalZoneAdmitsAll() {
        var policy = policy()
        policy.sample(depth: 499, nowMs: 0)
        #expect(policy.zone == .normal)
        for priority in AdmissionPriority.allCases {
            #expect(policy.admit(priority, nowMs: 1) == .admit)
        }
    }

    @Test("the warning band is handed out low first: low stops at 600, normal at 850, high never")
    func bucketsRefuseLowFirst() {
        let policy = policy()
        #expect(policy.limit(for: .low) == 600)
        #expect(policy.limit(for: .normal) == 850)
        #expect(policy.limit(for: .high) == nil)
    }

    @Test("in the warning zone low is refused while normal and high still go in")
    func warningZoneRefusesLow() {
        var policy = policy()
        policy.sample(depth: 700, nowMs: 0)
        #expect(policy.zone == .warning)
        guard case .refuse(_, let zone) = policy.admit(.low, nowMs: 1) else {
            Issue.record("low admitted at depth 700")
            return
        }
        #expect(zone == .warning)
        #expect(policy.admit(.normal, nowMs: 1) == .admit)
        #expect(policy.admit(.high, nowMs: 1) == .admit)
    }

    @Test("in the critical zone only high is admitted, however deep the queue")
    func criticalZoneAdmitsOnlyHigh() {
        var policy = policy()
        policy.sample(depth: 50_000, nowMs: 0)
        #expect(policy.zone == .critical)
        #expect(policy.admit(.high, nowMs: 1) == .admit)
        #expect(policy.admit(.normal, nowMs: 1) != .admit)
        #expect(policy.admit(.low, nowMs: 1) != .admit)
        #expect(policy.refusals[.normal] == 1 && policy.refusals[.low] == 1)
    }

    @Test("admissions between samples count toward the depth, so a burst cannot overshoot")
    func admissionsRaiseTheEstimatedDepth() {
        var policy = policy()
        policy.sample(depth: 845, nowMs: 0)
        var admitted = 0
        for _ in 0..<100 where policy.admit(.normal, nowMs: 10) == .admit { admitted += 1 }
        #expect(admitted == 5)
        #expect(policy.estimatedDepth == 850)
    }

    @Test("the drain rate comes from admissions and the change in depth")
    func drainRateFromSamples() {
        var policy = policy()
        policy.sample(depth: 100, nowMs: 0)
        for _ in 0..<300 { _ = policy.admit(.normal, nowMs: 500) }
        // 300 went in, the depth grew by 100: 200 left in one second.
        policy.sample(depth: 200, nowMs: 1_000)
        #expect(policy.drainRatePerSecond == 200)
        #expect(policy.estimatedWaitMs == 1_000)
    }

    @Test("an idle queue keeps the drain rate it measured under load")
    func idleKeepsTheDrainRate() {
        var policy = policy()
        policy.sample(depth: 1_000, nowMs: 0)
        policy.sample(depth: 800, nowMs: 1_000)  // 200 jobs/s under a backlog
        policy.sample(depth: 0, nowMs: 2_000)  // the last 800 in a second: at least 800 jobs/s
        let measured = policy.drainRatePerSecond
        #expect(measured == 380)  // 200 moved 30 % of the way to 800
        for second in 3...3_600 { policy.sample(depth: 0, nowMs: Int64(second) * 1_000) }
        #expect(policy.drainRatePerSecond == measured)
        for _ in 0..<19 { _ = policy.admit(.normal, nowMs: 3_600_500) }
        #expect(policy.estimatedWaitMs == 50)  // 19 jobs at 380/s
    }

    @Test("a queue that stops draining gets bounded estimates, however long it stays stuck")
    func stuckQueueEstimatesStayBounded() {
        var policy = policy()
        policy.sample(depth: 1_000, nowMs: 0)
        policy.sample(depth: 800, nowMs: 1_000)
        // The workers are gone: the depth stays put, and the rate decays toward zero but never reaches it.
        for second in 2...5_000 { policy.sample(depth: 800, nowMs: Int64(second) * 1_000) }
        let rate = policy.drainRatePerSecond ?? 0
        #expect(rate > 0 && rate < 1e-300)
        #expect(policy.estimatedWaitMs == AdmissionPolicy.longestEstimatedWaitMs)
        #expect(policy.retryAfterSeconds(excess: 1_000_000) == 60)
        guard case .refuse(let seconds, _) = policy.admit(.low, nowMs: 5_000_100) else {
            Issue.record("low admitted at depth 800 > 600")
            return
        }
        #expect(seconds == 60)
    }

    @Test("Retry-After is the time to drain the excess at the measured rate, within bounds")
    func retryAfterFollowsTheDrainRate() {
        var policy = policy()
        policy.sample(depth: 1_000, nowMs: 0)
        policy.sample(depth: 990, nowMs: 1_000)  // nothing admitted, 10 left: 10 jobs/s
        guard case .refuse(let seconds, .warning) = policy.admit(.normal, nowMs: 1_001) else {
            Issue.record("normal admitted at depth 990 > 850")
            return
        }
        // 990 - 850 + 1 = 141 jobs over the limit at 10/s.
        #expect(seconds == 15)
        policy.sample(depth: 100_000, nowMs: 2_000)
        #expect(policy.retryAfterSeconds(excess: 99_000) == 60)
    }

    @Test("a refusal lasts at least the cooldown, even when the depth falls at once")
    func cooldownStopsFlapping() {
        var policy = policy(cooldownMs: 1_000)
        policy.sample(depth: 900, nowMs: 0)
        #expect(policy.admit(.normal, nowMs: 10) != .admit)
        policy.sample(depth: 0, nowMs: 500)
        #expect(policy.admit(.normal, nowMs: 600) != .admit)
        #expect(policy.admit(.normal, nowMs: 1_011) == .admit)
    }

    @Test("without a measured drain rate the wait estimate is unknown unless the queue is empty")
    func unknownDrainRate() {
        var policy = policy()
        #expect(policy.estimatedWaitMs == 0)
        policy.sample(depth: 10, nowMs: 0)
        #expect(policy.estimatedWaitMs == nil)
    }
}

@Suite("Admission control: depth between samples")
struct AdmissionDepthSpecs {
    @Test("jobs that workers started since the sample leave the estimated depth, so a fast pool is not refused")
    func startedJobsLeaveTheDepth() {
        var policy = AdmissionPolicy(settings: AdmissionSettings())
        policy.sample(depth: 0, nowMs: 0)
        // 10,000 sync jobs within one second, each started by a worker right after it was admitted.
        for _ in 0..<10_000 {
            #expect(policy.admit(.normal, nowMs: 500) == .admit)
            policy.started(1)
        }
        #expect(policy.estimatedDepth == 0)
        policy.started(5)
        #expect(policy.estimatedDepth == 0)
    }
}

extension AdmissionDepthSpecs {
    @Test("a withdrawn admission (a duplicate job) does not count toward the depth")
    func withdrawnAdmissions() {
        var policy = AdmissionPolicy(settings: AdmissionSettings())
        policy.sample(depth: 10, nowMs: 0)
        _ = policy.admit(.normal, nowMs: 1)
        _ = policy.admit(.normal, nowMs: 1)
        policy.withdraw()
        #expect(policy.estimatedDepth == 11)
    }
}
