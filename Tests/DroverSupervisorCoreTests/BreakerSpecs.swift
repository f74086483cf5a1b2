import DroverSupervisorCore
import Testing

@Suite("The circuit breaker, with a fake clock")
struct BreakerSpecs {
    static let policy = BreakerPolicy()

    static func fail(_ breaker: inout CircuitBreaker, at now: Instant) -> Bool {
        breaker.recordFailure(at: now, policy: policy)
    }

    static func advance(_ breaker: inout CircuitBreaker, to now: Instant) -> Bool {
        breaker.advance(to: now)
    }

    @Test func threeFailuresWithinTheWindowOpenItForThirtySecondsThenItIsHalfOpen() {
        var breaker = CircuitBreaker()
        let t0 = Instant(milliseconds: 500_000)
        #expect(!Self.fail(&breaker, at: t0))
        #expect(!Self.fail(&breaker, at: t0 + 20_000))
        #expect(breaker.state == .closed)
        #expect(Self.fail(&breaker, at: t0 + 40_000))
        #expect(breaker.state == .open(until: t0 + 70_000))
        #expect(!breaker.state.allowsRouting)
        #expect(!Self.advance(&breaker, to: t0 + 69_999))
        #expect(Self.advance(&breaker, to: t0 + 70_000))
        #expect(breaker.state == .halfOpen)
        #expect(breaker.state.allowsRouting)
    }

    @Test func failuresSpreadWiderThanTheWindowNeverOpenIt() {
        var breaker = CircuitBreaker()
        var now = Instant.zero
        for _ in 0..<10 {
            #expect(!Self.fail(&breaker, at: now))
            now = now + 30_001
        }
        #expect(breaker.state == .closed)
    }

    @Test func halfOpenClosesOnACompletedJobAndReopensAtOnceOnAFailure() {
        var breaker = CircuitBreaker()
        for second in 0..<3 { _ = breaker.recordFailure(at: .zero + Int64(second) * 1_000, policy: Self.policy) }
        breaker.advance(to: .zero + 40_000)
        #expect(breaker.state == .halfOpen)
        #expect(Self.fail(&breaker, at: .zero + 41_000))
        #expect(breaker.state == .open(until: .zero + 71_000))
        breaker.recordSuccess(at: .zero + 80_000)
        #expect(breaker.state == .closed)
        // Closed again, it takes the full count to trip.
        #expect(!Self.fail(&breaker, at: .zero + 81_000))
    }

    @Test func theCoreOpensASlotsBreakerAfterThreeCrashesAndShowsIt() {
        var pool = SimulatedPool()
        pool.start(workers: 2)
        var crashes = 0
        while crashes < 3 {
            let id = pool.current(2)
            if pool.pids[id] == nil { pool.boot(id) }
            pool.exit(id, .signaled(signal: 9))
            crashes += 1
            // Throttled respawns come due on later ticks.
            for _ in 0..<40 where pool.snapshot.slots.first(where: { $0.id == SlotID(2) })?.currentWorker == nil {
                pool.advance(by: 500)
            }
        }
        let slot2 = pool.snapshot.slots.first { $0.id == SlotID(2) }!
        guard case .open(let until) = slot2.breaker else {
            Issue.record("expected an open breaker, got \(slot2.breaker)")
            return
        }
        #expect(pool.snapshot.slots.first { $0.id == SlotID(1) }!.breaker == .closed)
        #expect(pool.all.contains { if case .log(.warning, let message, _) = $0 { message.hasPrefix("circuit breaker open for w2") } else { false } })
        pool.now = until
        pool.tick()
        #expect(pool.snapshot.slots.first { $0.id == SlotID(2) }!.breaker == .halfOpen)
        let id = pool.current(2)
        if pool.pids[id] == nil { pool.boot(id) }
        pool.heartbeat(id, HeartbeatStats(completedJobs: 1))
        #expect(pool.snapshot.slots.first { $0.id == SlotID(2) }!.breaker == .closed)
    }

    @Test func drainsAndScaleDownsAreNotTheWorkersFault() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 3)
        for id in ids.dropFirst().reversed() {
            pool.handle(.signal(.fewerWorkers))
            pool.exit(id, .exited(code: 0))
        }
        pool.handle(.signal(.moreWorkers))
        #expect(pool.snapshot.slots.allSatisfy { $0.breaker == .closed })
    }
}
