import Synchronization

/// The cache a worker reads through: L1 in its own memory (an LRU bounded in bytes), then L2
/// shared by every worker. Hits, misses and L2 faults go into `counters`, which heartbeats carry.
///
/// The cache never fails a job: an L2 that cannot be reached counts as an error and a miss, and
/// the caller computes the value itself.
public final class TwoTierCache: Sendable {
    public let counters: CacheTierCounters
    public let shared: any SharedCacheStore
    /// Bytes L1 may hold; 0 turns L1 off (every read goes to L2).
    public let l1Bytes: Int
    private let l1: Mutex<ByteLRUCache>

    public init(l1Bytes: Int, shared: any SharedCacheStore, counters: CacheTierCounters = .init()) {
        self.l1Bytes = max(0, l1Bytes)
        self.shared = shared
        self.counters = counters
        self.l1 = Mutex(ByteLRUCache(capacityBytes: l1Bytes))
    }

    /// The value under `key` that `decode` accepts: L1 first, then L2, which refills L1 for the
    /// entry's remaining lifetime but at most `maxL1Seconds`. A value `decode` refuses counts as a
    /// miss (and leaves L1), so a damaged entry is recomputed and overwritten, never served.
    public func value<Value: Sendable>(for key: String, maxL1Seconds: Int, decode: ([UInt8]) -> Value?) async -> Value? {
        let now = Self.nowMs()
        if l1Bytes > 0 {
            let hit = l1.withLock { cache -> Value? in
                guard let bytes = cache.value(for: key, nowMs: now) else { return nil }
                guard let value = decode(bytes) else {
                    cache.removeValue(for: key)
                    return nil
                }
                return value
            }
            if let hit {
                counters.record { $0.l1Hits += 1 }
                return hit
            }
            counters.record { $0.l1Misses += 1 }
        }
        do {
            if let entry = try await shared.cachedValue(key), let value = decode(entry.value) {
                counters.record { $0.l2Hits += 1 }
                let lifetimeMs = min(Int64(maxL1Seconds) * 1000, entry.remainingMs ?? .max)
                if lifetimeMs > 0 { storeL1(entry.value, for: key, expiresAtMs: now + lifetimeMs) }
                return value
            }
            counters.record { $0.l2Misses += 1 }
        } catch {
            counters.record { $0.l2Errors += 1 }
        }
        return nil
    }

    /// Stores `bytes` in both tiers for `ttlSeconds`.
    public func remember(_ bytes: [UInt8], for key: String, ttlSeconds: Int) async {
        guard ttlSeconds > 0 else { return }
        storeL1(bytes, for: key, expiresAtMs: Self.nowMs() + Int64(ttlSeconds) * 1000)
        do {
            try await shared.cache(bytes, for: key, ttlSeconds: ttlSeconds)
        } catch {
            counters.record { $0.l2Errors += 1 }
        }
    }

    /// The shared generation of `scope`, or `nil` (counted as an L2 error) when L2 cannot be reached:
    /// without it no key can be trusted, so the caller goes uncached.
    public func generation(of scope: String) async -> Int64? {
        do {
            return try await shared.generation(of: scope)
        } catch {
            counters.record { $0.l2Errors += 1 }
            return nil
        }
    }

    /// Drops every L1 entry, when all of them name something that changed.
    public func removeAllL1() {
        l1.withLock { $0.removeAll() }
        counters.record {
            $0.l1Bytes = 0
            $0.l1Entries = 0
        }
    }

    private func storeL1(_ bytes: [UInt8], for key: String, expiresAtMs: Int64) {
        guard l1Bytes > 0 else { return }
        let (used, entries) = l1.withLock { cache in
            cache.set(bytes, for: key, expiresAtMs: expiresAtMs)
            return (cache.usedBytes, cache.count)
        }
        counters.record {
            $0.l1Bytes = used
            $0.l1Entries = entries
        }
    }

    /// Milliseconds on the monotonic clock since this process started: L1 expiry is relative, so
    /// wall-clock jumps must not expire or revive entries.
    static func nowMs() -> Int64 {
        let elapsed = (ContinuousClock.now - processStart).components
        return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    private static let processStart = ContinuousClock.now
}
