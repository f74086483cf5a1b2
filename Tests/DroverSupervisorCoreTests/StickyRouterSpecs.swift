import DroverSupervisorCore
import Testing

@Suite("Sticky routing by rendezvous hashing")
struct StickyRouterSpecs {
    static func router(_ slots: [Int], overloaded: Set<Int> = [], active: [Int: Int] = [:]) -> StickyRouter {
        StickyRouter(candidates: slots.map { n in
            RouteCandidate(key: "w\(n)", worker: .id("w\(n).1"), activeJobs: active[n] ?? 0, overloaded: overloaded.contains(n))
        })
    }

    static let users = (0..<10_000).map { "user-\($0)" }

    @Test func aUserAlwaysGoesToTheSameWorkerAndUsersSpreadEvenly() {
        let router = Self.router([1, 2, 3, 4])
        var perWorker: [WorkerID: Int] = [:]
        for user in Self.users {
            let first = router.route(userID: user)
            #expect(first == router.route(userID: user))
            perWorker[first!, default: 0] += 1
        }
        #expect(perWorker.count == 4)
        for (_, count) in perWorker { #expect(count > 2_000 && count < 3_000, "uneven spread: \(perWorker)") }
    }

    @Test func addingAWorkerMovesAboutOneInNUsersAndOnlyToTheNewWorker() {
        let before = Self.router([1, 2, 3, 4, 5])
        let after = Self.router([1, 2, 3, 4, 5, 6])
        var moved = 0
        for user in Self.users where before.route(userID: user) != after.route(userID: user) {
            moved += 1
            #expect(after.route(userID: user) == .id("w6.1"))
        }
        // 1/6 of 10,000 is 1,667.
        #expect(moved > 1_300 && moved < 2_050, "moved \(moved)")
    }

    @Test func removingAWorkerMovesOnlyItsOwnUsers() {
        let before = Self.router([1, 2, 3, 4])
        let after = Self.router([1, 2, 4])
        for user in Self.users where before.route(userID: user) != after.route(userID: user) {
            #expect(before.route(userID: user) == .id("w3.1"))
        }
    }

    @Test func anOverloadedOwnerSendsTheJobToTheLeastLoadedWorkerAndAllOverloadedMeansShared() {
        let calm = Self.router([1, 2, 3])
        let user = Self.users.first { calm.owner(of: $0)?.key == "w1" }!
        let busy = Self.router([1, 2, 3], overloaded: [1], active: [1: 3, 2: 2, 3: 1])
        #expect(busy.route(userID: user) == .id("w3.1"))
        #expect(Self.router([1, 2], overloaded: [1, 2]).route(userID: user) == nil)
        #expect(Self.router([]).route(userID: user) == nil)
    }

    @Test func theCoreOffersOnlyReadyWorkersThatAreNotDrainingOrTripped() {
        var pool = SimulatedPool()
        let ids = pool.start(workers: 3)
        #expect(pool.core.routeCandidates().map(\.worker) == ids)
        pool.handle(.signal(.fewerWorkers))
        #expect(pool.core.routeCandidates().map(\.worker) == Array(ids.prefix(2)))
        // Three crashes of slot 2 open its breaker.
        for _ in 0..<3 {
            let id = pool.current(2)
            if pool.pids[id] == nil { pool.boot(id) }
            pool.exit(id, .signaled(signal: 9))
            for _ in 0..<40 where pool.snapshot.slots.first(where: { $0.id == SlotID(2) })?.currentWorker == nil {
                pool.advance(by: 500)
            }
        }
        let current = pool.current(2)
        if pool.pids[current] == nil { pool.boot(current) }
        #expect(pool.core.routeCandidates().map(\.worker) == [ids[0]])
    }

    @Test func theRegistryEntryListsEveryLiveWorkerAndWhichOnesAreRoutable() {
        var pool = SimulatedPool(instance: "host-7")
        let ids = pool.start(workers: 3)
        pool.handle(.signal(.fewerWorkers))
        let entry = pool.core.hostEntry()
        #expect(entry.instance == "host-7")
        // The draining third worker is still listed: its sticky queue is someone's to release if the host dies.
        #expect(entry.workers.map(\.worker) == ids)
        #expect(entry.workers.map(\.routable) == [true, true, false])
        #expect(entry.workers.map(\.key) == ["host-7-w1", "host-7-w2", "host-7-w3"])
        #expect(entry.workers.compactMap(\.candidate) == pool.core.routeCandidates())
    }
}
