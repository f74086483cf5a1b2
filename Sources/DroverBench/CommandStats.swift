import DroverRedis

/// Redis's own command counters (`INFO commandstats`), read before and after a run.
struct CommandStats {
    var total = 0
    var scriptCalls = 0
    var blockingCalls = 0

    static func read(_ client: RedisClient) async throws -> CommandStats {
        let info = try await client.send(["INFO", "commandstats"]).string ?? ""
        var stats = CommandStats()
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
            // cmdstat_evalsha:calls=12,usec=…
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: 8)..<colon]
            let callsField = line[line.index(after: colon)...].split(separator: ",").first { $0.hasPrefix("calls=") }
            guard let calls = callsField.flatMap({ Int($0.dropFirst(6)) }) else { continue }
            if name == "info" { continue }
            stats.total += calls
            if name == "evalsha" || name == "eval" { stats.scriptCalls += calls }
            if name == "bzpopmin" { stats.blockingCalls += calls }
        }
        return stats
    }
}
