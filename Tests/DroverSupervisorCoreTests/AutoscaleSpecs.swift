import DroverSupervisorCore
import Testing

@Suite("Autoscaling on queue depth, with a fake clock")
struct AutoscaleSpecs {
    static var policy: AutoscalePolicy {
        var policy = AutoscalePolicy()
        policy.enabled = true
        policy.scaleUpDepthPerWorker = 20
        policy.idleBeforeScaleDownMs = 60_000
        policy.cooldownMs = 30_000
        return policy
    }

    static func sample(waiting: Int, ready: Int, desired: Int, running: Int = 0) -> AutoscaleSample {
        AutoscaleSample(waiting: waiting, readyWorkers: ready, desiredWorkers: desired, runningJobs: running)
    }

    @Test func oneDeepSampleIsNotEnoughTwoInARowGrowInProportionToTheBacklog() {
        var scaler = Autoscaler(policy: Self.policy)
        let t0 = Instant(milliseconds: 1_000_000)
        let first = scaler.observe(Self.sample(waiting: 100, ready: 2, desired: 2), concurrency: 3, bounds: 1...8, now: t0)
        #expect(first == .hold(reason: "100 waiting, 2 ready of 2"))
        // 100 waiting at 20 per worker needs 5 workers.
        let second = scaler.observe(Self.sample(waiting: 100, ready: 2, desired: 2), concurrency: 3, bounds: 1...8, now: t0 + 1_000)
        guard case .scaleUp(let to, let reason) = second else { Issue.record("expected a scale-up, got \(second)"); return }
        #expect(to == 5)
        #expect(reason.contains("over 20 waiting per ready worker for 2 samples"))
        #expect(scaler.lastStep == second)
        #expect(scaler.lastStepAt == t0 + 1_000)
    }

    @Test func aShallowSampleBetweenDeepOnesResetsTheCount() {
        var scaler = Autoscaler(policy: Self.policy)
        var now = Instant(milliseconds: 0)
        for waiting in [100, 30, 100] {
            let decision = scaler.observe(Self.sample(waiting: waiting, ready: 2, desired: 2), concurrency: 3, bounds: 1...8, now: now)
            #expect(decision == .hold(reason: "\(waiting) waiting, 2 ready of 2"))
            now = now + 1_000
        }
    }

    @Test func aHugeBacklogGoesStraightToMaxWorkersAndNoFurther() {
        var scaler = Autoscaler(policy: Self.policy)
        _ = scaler.observe(Self.sample(waiting: 5_000, ready: 1, desired: 1), concurrency: 3, bounds: 1...8, now: .zero)
        #expect(scaler.observe(Self.sample(waiting: 5_000, ready: 1, desired: 1), concurrency: 3, bounds: 1...8, now: .zero + 1_000).isScaleUp(to: 8))
        // Still deep while the new workers boot, but at the maximum: blocked, not another step.
        _ = scaler.observe(Self.sample(waiting: 4_900, ready: 1, desired: 8), concurrency: 3, bounds: 1...8, now: .zero + 2_000)
        let atMax = scaler.observe(Self.sample(waiting: 4_800, ready: 1, desired: 8), concurrency: 3, bounds: 1...8, now: .zero + 3_000)
        #expect(atMax == .blocked(reason: "4800 waiting, 1 ready of 8: backlog over 20 per worker but already at maxWorkers 8"))
    }

    @Test func theStepIsAtLeastOneWorkerEvenForASmallBacklog() {
        var scaler = Autoscaler(policy: Self.policy)
        _ = scaler.observe(Self.sample(waiting: 90, ready: 4, desired: 4), concurrency: 3, bounds: 1...8, now: .zero)
        #expect(scaler.observe(Self.sample(waiting: 90, ready: 4, desired: 4), concurrency: 3, bounds: 1...8, now: .zero + 1_000).isScaleUp(to: 5))
    }

    @Test func noWorkerReadyWithJobsWaitingCountsAsTooDeep() {
        var scaler = Autoscaler(policy: Self.policy)
        _ = scaler.observe(Self.sample(waiting: 1, ready: 0, desired: 1), concurrency: 3, bounds: 1...8, now: .zero)
        #expect(scaler.observe(Self.sample(waiting: 1, ready: 0, desired: 1), concurrency: 3, bounds: 1...8, now: .zero + 1_000).isScaleUp(to: 2))
    }

    @Test func theCooldownHoldsTheNextStepThenLetsItThrough() {
        var scaler = Autoscaler(policy: Self.policy)
        _ = scaler.observe(Self.sample(waiting: 60, ready: 1, desired: 1), concurrency: 3, bounds: 1...8, now: .zero)
        #expect(scaler.observe(Self.sample(waiting: 60, ready: 1, desired: 1), concurrency: 3, bounds: 1...8, now: .zero + 1_000).isScaleUp(to: 3))
        var now = Instant.zero + 2_000
        var sawBlocked = false
        while now < .zero + 31_000 {
            let decision = scaler.observe(Self.sample(waiting: 200, ready: 3, desired: 3), concurrency: 3, bounds: 1...8, now: now)
            #expect(!decision.isStep, "no step inside the cooldown, got \(decision) at \(now)")
            if case .blocked(let reason) = decision { sawBlocked = reason.hasSuffix("but cooling down") }
            now = now + 1_000
        }
        #expect(sawBlocked)
        #expect(scaler.observe(Self.sample(waiting: 200, ready: 3, desired: 3), concurrency: 3, bounds: 1...8, now: now).isScaleUp(to: 8))
    }

    @Test func anIdlePoolShrinksOneWorkerAtATimeAfterTheIdlePeriodAndCooldownDownToMinWorkers() {
        var scaler = Autoscaler(policy: Self.policy)
        var desired = 4
        var steps: [(Int, Int64)] = []
        var now = Instant.zero
        while now < .zero + 300_000 {
            let decision = scaler.observe(Self.sample(waiting: 0, ready: desired, desired: desired), concurrency: 3, bounds: 2...8, now: now)
            if case .scaleDown(let to, _) = decision {
                #expect(to == desired - 1)
                desired = to
                steps.append((to, now.milliseconds))
            }
            now = now + 1_000
        }
        // Idle from 0: the first step at 60 s, then one per 30 s cooldown, stopping at minWorkers 2.
        #expect(steps.map(\.0) == [3, 2])
        #expect(steps.map(\.1) == [60_000, 90_000])
    }

    @Test func aPoolThatNeedsAllItsWorkersIsNotIdleEvenWithNothingWaiting() {
        var scaler = Autoscaler(policy: Self.policy)
        var now = Instant.zero
        while now < .zero + 200_000 {
            // 3 workers × 3 slots; 7 running jobs do not fit on 2 workers.
            let decision = scaler.observe(Self.sample(waiting: 0, ready: 3, desired: 3, running: 7), concurrency: 3, bounds: 1...8, now: now)
            #expect(!decision.isStep)
            now = now + 1_000
        }
        // 6 running jobs fit on 2 workers: spare from now on.
        for _ in 0...60 {
            let decision = scaler.observe(Self.sample(waiting: 0, ready: 3, desired: 3, running: 6), concurrency: 3, bounds: 1...8, now: now)
            if decision.isStep { #expect(decision == .scaleDown(to: 2, reason: decision.reason)); return }
            now = now + 1_000
        }
        Issue.record("no scale-down after a minute with a worker to spare")
    }

    @Test func backlogInterruptsTheIdlePeriod() {
        var scaler = Autoscaler(policy: Self.policy)
        var now = Instant.zero
        for second in 0..<120 {
            // One job waiting every 50 s restarts the idle clock.
            let waiting = second % 50 == 49 ? 1 : 0
            #expect(!scaler.observe(Self.sample(waiting: waiting, ready: 2, desired: 2), concurrency: 3, bounds: 1...8, now: now).isStep)
            now = now + 1_000
        }
    }
}

@Suite("The supervisor core carries out the autoscaler's steps")
struct AutoscaleCoreSpecs {
    static var policy: SupervisorPolicy {
        var policy = SupervisorPolicy.testing
        policy.maxWorkers = 6
        policy.autoscale = AutoscaleSpecs.policy
        policy.autoscale.idleBeforeScaleDownMs = 10_000
        policy.autoscale.cooldownMs = 5_000
        return policy
    }

    @Test func aDeepQueueSpawnsWorkersAndLogsWhy() {
        var pool = SimulatedPool(Self.policy)
        pool.start(workers: 1)
        #expect(pool.handle(.queueSampled(waiting: 500)) == [])
        pool.now = pool.now + 1_000
        #expect(pool.handle(.queueSampled(waiting: 500)) == (2...6).map { .spawn(SlotID($0), .id("w\($0).1")) })
        #expect(pool.snapshot.desiredWorkers == 6)
        #expect(pool.snapshot.autoscaler.lastStep?.isScaleUp(to: 6) == true)
        #expect(pool.all.contains { action in
            if case .log(.notice, let message, _) = action { message.hasPrefix("autoscale: up to 6 workers: 500 waiting, 1 ready of 1") } else { false }
        })
    }

    @Test func anIdlePoolDrainsItsWorkersOneAtATimeNeverKillingOne() {
        var pool = SimulatedPool(Self.policy)
        let ids = pool.start(workers: 3)
        var drained: [WorkerID] = []
        for _ in 0..<40 {
            pool.now = pool.now + 1_000
            for action in pool.handle(.queueSampled(waiting: 0)) {
                guard case .send(let id, .drain) = action else {
                    Issue.record("an idle pool only drains, got \(action)")
                    continue
                }
                drained.append(id)
            }
        }
        // Idle 10 s, then a step per 5 s cooldown: two drains, highest slot first, down to minWorkers 1.
        #expect(drained == [ids[2], ids[1]])
        #expect(pool.snapshot.desiredWorkers == 1)
        #expect(!pool.all.contains { if case .signal = $0 { true } else { false } })
    }

    @Test func anOperatorsScaleStartsTheCooldownSoTheNextSampleDoesNotUndoIt() throws {
        var pool = SimulatedPool(Self.policy)
        pool.start(workers: 1)
        for _ in 0..<20 {
            pool.now = pool.now + 1_000
            pool.handle(.queueSampled(waiting: 0))
        }
        try pool.command(.scale(to: 4))
        for id in pool.spawns.map(\.id).dropFirst() { pool.boot(id) }
        // Idle, but inside the 5 s cooldown from the operator's step.
        for _ in 0..<4 {
            pool.now = pool.now + 1_000
            #expect(pool.handle(.queueSampled(waiting: 0)) == [])
        }
        #expect(pool.snapshot.desiredWorkers == 4)
        pool.now = pool.now + 1_000
        #expect(pool.handle(.queueSampled(waiting: 0)).count == 1)
        #expect(pool.snapshot.desiredWorkers == 3)
    }

    @Test func disabledAutoscalingIgnoresSamples() {
        var policy = Self.policy
        policy.autoscale.enabled = false
        var pool = SimulatedPool(policy)
        pool.start(workers: 2)
        for second in 0..<100 {
            pool.now = pool.now + 1_000
            #expect(pool.handle(.queueSampled(waiting: second < 50 ? 10_000 : 0)) == [])
        }
        #expect(pool.snapshot.desiredWorkers == 2)
    }

    @Test func anInvalidAutoscalePolicyIsRefusedNamingTheField() {
        var policy = Self.policy
        policy.autoscale.scaleUpDepthPerWorker = 0
        #expect(throws: SupervisorCoreError(.invalidPolicy, "autoscale.scaleUpDepthPerWorker must be at least 1, got 0")) {
            try policy.validate()
        }
    }
}

extension AutoscaleDecision {
    func isScaleUp(to count: Int) -> Bool {
        if case .scaleUp(let to, _) = self { return to == count }
        return false
    }

    var isStep: Bool {
        switch self {
        case .scaleUp, .scaleDown: true
        case .hold, .blocked: false
        }
    }
}
