import DroverQueue
import Testing

@Suite("RecentMap: a dictionary bounded by forgetting the oldest insertion")
struct RecentMapTests {
    @Test func keepsAtMostItsCapacityForgettingTheOldestFirst() {
        var map = RecentMap<String, Int>(capacity: 3)
        for (n, key) in ["a", "b", "c", "d", "e"].enumerated() { map.insert(n, for: key) }
        #expect(map.count == 3)
        #expect(map["a"] == nil)
        #expect(map["b"] == nil)
        #expect(map["c"] == 2)
        #expect(map["d"] == 3)
        #expect(map["e"] == 4)
    }

    @Test func aKeyInsertedAgainLivesAsLongAsItsNewestInsertion() {
        var map = RecentMap<String, Int>(capacity: 2)
        map.insert(1, for: "a")
        map.insert(2, for: "b")
        map.insert(3, for: "a")
        // The insert that overwrites a's first slot must not take the newer "a" with it.
        map.insert(4, for: "c")
        #expect(map["a"] == 3)
        #expect(map["b"] == nil)
        #expect(map["c"] == 4)
        #expect(map.count == 2)
    }

    @Test func aRemovedKeyIsGoneAndItsSlotIsReusedSafely() {
        var map = RecentMap<String, Int>(capacity: 2)
        map.insert(1, for: "a")
        #expect(map.removeValue(forKey: "a") == 1)
        #expect(map["a"] == nil)
        #expect(map.removeValue(forKey: "a") == nil)
        map.insert(2, for: "b")
        map.insert(3, for: "c")
        map.insert(4, for: "d")
        #expect(map.count == 2)
        #expect(map["c"] == 3)
        #expect(map["d"] == 4)
    }

    @Test func aCapacityBelowOneHoldsOneEntry() {
        var map = RecentMap<Int, Int>(capacity: 0)
        map.insert(1, for: 1)
        map.insert(2, for: 2)
        #expect(map.count == 1)
        #expect(map[2] == 2)
    }
}
