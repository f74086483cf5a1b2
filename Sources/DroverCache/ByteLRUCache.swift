/// A least-recently-used map from string keys to byte values, bounded by the bytes it holds
/// (keys, values and a fixed per-entry overhead), not by its entry count.
public struct ByteLRUCache: Sendable {
    /// Bookkeeping counted per entry besides its key and value.
    static let entryOverhead = 64

    public let capacityBytes: Int
    public private(set) var usedBytes = 0

    private struct Node: Sendable {
        var key: String
        var value: [UInt8]
        var expiresAtMs: Int64
        var previous: Int
        var next: Int
    }

    private var nodes: [Node] = []
    private var free: [Int] = []
    private var slots: [String: Int] = [:]
    /// Most recently used end, and least recently used end; -1 when empty.
    private var head = -1
    private var tail = -1

    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    public var count: Int { slots.count }

    /// The value for `key` if present and not expired at `nowMs`; marks it most recently used.
    public mutating func value(for key: String, nowMs: Int64) -> [UInt8]? {
        guard let slot = slots[key] else { return nil }
        guard nodes[slot].expiresAtMs > nowMs else {
            removeSlot(slot)
            return nil
        }
        unlink(slot)
        pushFront(slot)
        return nodes[slot].value
    }

    /// Stores `value` until `expiresAtMs`, evicting least recently used entries to make room;
    /// a value bigger than the whole cache is not stored.
    public mutating func set(_ value: [UInt8], for key: String, expiresAtMs: Int64) {
        if let slot = slots[key] { removeSlot(slot) }
        let cost = Self.cost(key: key, value: value)
        guard cost <= capacityBytes else { return }
        while usedBytes + cost > capacityBytes, tail >= 0 { removeSlot(tail) }
        let node = Node(key: key, value: value, expiresAtMs: expiresAtMs, previous: -1, next: -1)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        usedBytes += cost
        pushFront(slot)
    }

    public mutating func removeValue(for key: String) {
        if let slot = slots[key] { removeSlot(slot) }
    }

    public mutating func removeAll() {
        nodes.removeAll()
        free.removeAll()
        slots.removeAll()
        head = -1
        tail = -1
        usedBytes = 0
    }

    private static func cost(key: String, value: [UInt8]) -> Int {
        key.utf8.count + value.count + entryOverhead
    }

    private mutating func removeSlot(_ slot: Int) {
        unlink(slot)
        let key = nodes[slot].key
        usedBytes -= Self.cost(key: key, value: nodes[slot].value)
        slots.removeValue(forKey: key)
        nodes[slot].value = []
        nodes[slot].key = ""
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let previous = nodes[slot].previous, next = nodes[slot].next
        if previous >= 0 { nodes[previous].next = next } else { head = next }
        if next >= 0 { nodes[next].previous = previous } else { tail = previous }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }

    private mutating func pushFront(_ slot: Int) {
        nodes[slot].next = head
        nodes[slot].previous = -1
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
