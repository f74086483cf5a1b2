import DroverJSON
import DroverSupervisorCore

/// The wire form of a registry entry:
/// `{"v":1,"instance":"…","workers":[{"id","key","active","overloaded","routable","breaker"}]}`.
extension HostEntry {
    /// The entry's format version; an entry of another version is refused, not guessed at.
    static let formatVersion = 1
    /// Ids and keys end up in Redis key names and log lines: short, and without spaces.
    static let maxNameLength = 200

    public func encoded() -> String {
        let workers = workers.map { worker -> JSONValue in
            .object([
                "id": .string(worker.worker.rawValue), "key": .string(worker.key), "active": .int(worker.activeJobs),
                "overloaded": .bool(worker.overloaded), "routable": .bool(worker.routable), "breaker": .string(worker.breaker),
            ])
        }
        return JSONValue.object([
            "v": .int(Self.formatVersion), "instance": .string(instance), "workers": .array(workers),
        ]).serialized(sortedKeys: true)
    }

    /// Reads an entry another supervisor (or anyone with access to Redis) wrote.
    public init(decoding text: String) throws(RegistryEntryError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw RegistryEntryError("not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw RegistryEntryError("not a JSON object") }
        guard object["v"]?.intValue == Self.formatVersion else {
            throw RegistryEntryError("v: expected \(Self.formatVersion), got \(object["v"].map { $0.serialized() } ?? "nothing")")
        }
        let instance = try Self.name(object["instance"], "instance")
        guard let list = object["workers"]?.arrayValue else { throw RegistryEntryError("workers: expected an array") }
        var workers: [RegisteredWorker] = []
        for (index, item) in list.enumerated() {
            let field = "workers[\(index)]"
            guard let worker = item.objectValue else { throw RegistryEntryError("\(field): expected an object") }
            guard let active = worker["active"]?.intValue, active >= 0 else {
                throw RegistryEntryError("\(field).active: expected a count")
            }
            guard let overloaded = worker["overloaded"]?.boolValue, let routable = worker["routable"]?.boolValue else {
                throw RegistryEntryError("\(field): overloaded and routable must be true or false")
            }
            workers.append(RegisteredWorker(
                worker: WorkerID(rawValue: try Self.name(worker["id"], "\(field).id")), key: try Self.name(worker["key"], "\(field).key"),
                activeJobs: active, overloaded: overloaded, routable: routable,
                breaker: worker["breaker"]?.stringValue ?? "closed"))
        }
        self.init(instance: instance, workers: workers)
    }

    private static func name(_ value: JSONValue?, _ field: String) throws(RegistryEntryError) -> String {
        guard let text = value?.stringValue, !text.isEmpty, text.utf8.count <= maxNameLength,
              !text.contains(where: { $0 == " " || $0.isNewline })
        else { throw RegistryEntryError("\(field): expected a name of 1...\(maxNameLength) characters without spaces") }
        return text
    }
}
