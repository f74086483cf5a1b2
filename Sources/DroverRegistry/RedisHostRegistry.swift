import DroverRedis
import DroverSupervisor
import DroverSupervisorCore

/// The pool registry of distributed mode, in the Redis the hosts share: one script call per beat
/// publishes this host's entry, reads the others' and claims the dead ones (see `RegistryScript`).
public final class RedisHostRegistry: HostRegistry {
    public let entryLifetime: Duration
    /// How long a claimed orphan stays with its claimer before another supervisor may try.
    public let claimLifetime: Duration
    let keys: [String]
    let client: RedisClient

    public init(url: RedisURL, namespace: String = "drover", entryLifetime: Duration = .seconds(5),
                claimLifetime: Duration = .seconds(30), options: RedisOptions = .init()) {
        self.entryLifetime = entryLifetime
        self.claimLifetime = claimLifetime
        let prefix = namespace + ":{registry}:"
        self.keys = [prefix + "hosts", prefix + "orphans", prefix + "deadlines"]
        self.client = RedisClient(url: url, options: options)
    }

    public func close() async {
        await client.close()
    }

    public func beat(_ own: HostEntry, forgetting recovered: [String]) async throws -> RegistryView {
        var arguments = RedisCommand()
        arguments.append(own.instance)
        arguments.append(own.encoded())
        arguments.append(Int64(entryLifetime / .milliseconds(1)))
        arguments.append(Int64(claimLifetime / .milliseconds(1)))
        for instance in recovered { arguments.append(instance) }
        let reply = try await client.evaluate(RegistryScript.beat, keys: keys, arguments: arguments)
        return try Self.view(of: reply, own: own.instance)
    }

    /// Reads the script's reply. A malformed entry is rejected, not fatal: the others still count.
    /// An unreadable orphan comes back with no workers, so its claimer forgets it.
    static func view(of reply: RedisReply, own: String) throws(RegistryEntryError) -> RegistryView {
        guard let parts = reply.array, parts.count == 3, let hosts = parts[0].array, let claimed = parts[1].array else {
            throw RegistryEntryError("unexpected registry reply: \(reply)")
        }
        var view = RegistryView()
        view.declaredDead = parts[2].int == 1
        for (instance, text) in pairs(hosts) where instance != own {
            switch entry(instance, text) {
            case .success(let entry): view.live.append(entry)
            case .failure(let error): view.rejected[instance] = error.description
            }
        }
        for (instance, text) in pairs(claimed) {
            switch entry(instance, text) {
            case .success(let entry): view.orphans.append(entry)
            case .failure(let error):
                view.rejected[instance] = error.description
                view.orphans.append(HostEntry(instance: instance, workers: []))
            }
        }
        view.live.sort { $0.instance < $1.instance }
        return view
    }

    private static func pairs(_ flat: [RedisReply]) -> [(String, String?)] {
        stride(from: 0, to: flat.count - 1, by: 2).compactMap { i in flat[i].string.map { ($0, flat[i + 1].string) } }
    }

    private static func entry(_ instance: String, _ text: String?) -> Result<HostEntry, RegistryEntryError> {
        guard let text else { return .failure(RegistryEntryError("not a string")) }
        do throws(RegistryEntryError) {
            let entry = try HostEntry(decoding: text)
            guard entry.instance == instance else {
                return .failure(RegistryEntryError("instance: \(entry.instance) is filed under \(instance)"))
            }
            return .success(entry)
        } catch {
            return .failure(error)
        }
    }
}
