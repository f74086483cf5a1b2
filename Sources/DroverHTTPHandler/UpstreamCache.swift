import DroverCache
import DroverHTTPClient
import DroverJSON
import DroverQueue

/// The `http` handler's use of the worker's two-tier cache: which job types are cached and for
/// how long, how an answer is keyed, and how an upstream's `index` job retires its answers.
///
/// A key is the job type, the upstream URL and the canonical payload (`userId` included, so one
/// caller never sees another's ACL-filtered answer), under the upstream's current generation.
/// The entry repeats that request text, and a hit must match it, so a hash collision is a miss.
public struct UpstreamCache: Sendable {
    public let tiers: TwoTierCache
    /// Seconds an answer of each type lives; a type not listed (`index`) is never cached.
    public var lifetimes: [JobType: Int]

    /// The payload field that skips the lookup (`"cache": false`); the fresh answer is still stored.
    public static let bypassField = "cache"

    /// - Parameters:
    ///   - queriesSeconds: `search`, `batch` and `evaluate` answers (`cache.ttl.queriesS`, 1 h).
    ///   - answersSeconds: `ask` answers, which carry an LLM's text (`cache.ttl.answersS`, 30 min).
    public init(tiers: TwoTierCache, queriesSeconds: Int = 3_600, answersSeconds: Int = 1_800) {
        self.tiers = tiers
        self.lifetimes = [.search: queriesSeconds, .batch: queriesSeconds, .evaluate: queriesSeconds, .ask: answersSeconds]
    }

    /// Where one read job's answer is filed.
    struct Slot: Sendable {
        let key: String
        /// The canonical request the key was hashed from; stored with the answer and checked on a hit.
        let request: String
        let lifetimeSeconds: Int
    }

    /// The slot of `job` forwarded to `url`; `nil` when its type is not cached, or when the
    /// upstream's generation cannot be read (then no key can be trusted and the job goes uncached).
    func slot(for job: Job, url: HTTPURL) async -> Slot? {
        guard let lifetime = lifetimes[job.type] else { return nil }
        guard let generation = await tiers.generation(of: Self.scope(url)) else { return nil }
        var payload = job.payload
        if case .object(var members) = payload {
            members.removeValue(forKey: Self.bypassField)
            payload = .object(members)
        }
        let request = job.type.rawValue + "\n" + url.description + "\n" + payload.serialized(sortedKeys: true)
        var hasher = ContentHasher()
        hasher.add(request)
        return Slot(key: "u:\(job.type.rawValue):\(generation):\(hasher.hexDigest)", request: request, lifetimeSeconds: lifetime)
    }

    /// The answer filed in `slot`, if one is there and was filed for the same request.
    func answer(in slot: Slot) async -> JSONValue? {
        await tiers.value(for: slot.key, maxL1Seconds: slot.lifetimeSeconds) { bytes in
            guard let entry = try? JSONValue(parsing: bytes), entry["request"]?.stringValue == slot.request else { return nil }
            return entry["result"]
        }
    }

    /// Files `answer` in `slot` for its lifetime, shortened or refused by the upstream's `Cache-Control`.
    func file(_ answer: JSONValue, in slot: Slot, cacheControl: CacheControl) async {
        guard let lifetime = cacheControl.lifetime(default: slot.lifetimeSeconds) else { return }
        let entry = JSONValue.object(["request": .string(slot.request), "result": answer])
        await tiers.remember(Array(entry.serialized().utf8), for: slot.key, ttlSeconds: lifetime)
    }

    /// Retires every answer cached from the service at `url` (same scheme, host and port), on every worker.
    func invalidate(_ url: HTTPURL) async throws {
        _ = try await tiers.shared.advanceGeneration(of: Self.scope(url))
    }

    /// One generation per upstream service, not per endpoint: its `index` and `search` URLs differ.
    static func scope(_ url: HTTPURL) -> String { "upstream:http://" + url.hostHeader.lowercased() }
}
