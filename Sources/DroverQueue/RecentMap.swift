/// A dictionary that keeps at most `capacity` entries and forgets the oldest insertion first.
///
/// Every operation is O(1): inserts go round a ring of keys, and the key an insert overwrites
/// leaves the dictionary, unless it was inserted again since (then its newer slot keeps it).
public struct RecentMap<Key: Hashable, Value> {
    private var entries: [Key: (value: Value, slot: Int)] = [:]
    private var order: [Key?]
    private var next = 0

    public init(capacity: Int) {
        order = Array(repeating: nil, count: max(1, capacity))
    }

    public var count: Int { entries.count }

    public subscript(key: Key) -> Value? { entries[key]?.value }

    public mutating func insert(_ value: Value, for key: Key) {
        if let old = order[next], entries[old]?.slot == next { entries[old] = nil }
        order[next] = key
        entries[key] = (value, next)
        next = (next + 1) % order.count
    }

    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        entries.removeValue(forKey: key)?.value
    }
}

extension RecentMap: Sendable where Key: Sendable, Value: Sendable {}
