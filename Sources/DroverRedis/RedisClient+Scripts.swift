extension RedisClient {
    /// Runs `script` with `EVALSHA`, loading it first if this connection has not (or no longer has) it.
    /// A script error is thrown as `.serverError` with the server's message unchanged.
    ///
    /// - Parameter arguments: the script's ARGV only, without a command name (`RedisCommand()` to start empty).
    public func evaluate(_ script: RedisScript, keys: [String], arguments: RedisCommand) async throws(RedisError) -> RedisReply {
        let replies = try await evaluatePipeline([(script: script, keys: keys, arguments: arguments)])
        return try Self.throwingServerError(replies[0])
    }

    /// Runs many script calls in one round trip of `EVALSHA`s, with errors as `.error` values in place.
    ///
    /// Scripts this connection has not loaded are loaded in the same round trip, ahead of the calls. If a
    /// call still gets `NOSCRIPT` (someone ran `SCRIPT FLUSH`), only the scripts it needs are loaded again
    /// and only those calls are re-sent: a `NOSCRIPT` call did not run, so re-sending cannot run it twice.
    public func evaluatePipeline(
        _ calls: [(script: RedisScript, keys: [String], arguments: RedisCommand)]
    ) async throws(RedisError) -> [RedisReply] {
        try evaluateNow(calls)
    }

    /// Sends `command` allowing it `timeout` (a blocking command: see `send(_:timeout:)`), then, on the
    /// same connection and before any other call of this client, the script call `next` picks from
    /// its reply, if any. For a wait whose answer says what to do next: the follow-up costs no hop
    /// back to the caller and no second trip through this client's queue of calls.
    ///
    /// `guess`, when given, goes out in the same write as `command`: Redis runs it the moment the wait
    /// ends, with no round trip to this client in between. Its reply (`speculated`) is nil when it
    /// was not sent, which happens while this connection has not loaded its script, or did not run
    /// (`NOSCRIPT`). `next` sees it, so the follow-up can be skipped or cut down. A server error
    /// answering `command` is thrown only when nothing was speculated; otherwise the caller gets it,
    /// as the guess may have changed state that it must not drop.
    public func send(
        _ command: RedisCommand, timeout: Duration,
        speculating guess: (script: RedisScript, keys: [String], arguments: RedisCommand)?,
        then next: @Sendable (_ reply: RedisReply, _ speculated: RedisReply?) -> (script: RedisScript, keys: [String], arguments: RedisCommand)?
    ) async throws(RedisError) -> (reply: RedisReply, speculated: RedisReply?, followUp: RedisReply?) {
        try Self.validate(command)
        let (reply, speculated) = try withConnection { connection throws(RedisError) in
            try connection.setTimeout(timeout)
            var speculated: RedisReply?
            let reply: RedisReply
            if let guess, connection.loadedScripts.contains(guess.script.sha1) {
                let replies = try connection.pipeline([command, Self.evalsha(guess)])
                reply = replies[0]
                if case .error(let message) = replies[1], message.hasPrefix("NOSCRIPT") {
                    connection.loadedScripts.remove(guess.script.sha1)
                } else {
                    speculated = replies[1]
                }
            } else {
                reply = try connection.roundTrip(command)
            }
            try connection.setTimeout(options.commandTimeout)
            return (reply, speculated)
        }
        if speculated == nil { _ = try Self.throwingServerError(reply) }
        guard let call = next(reply, speculated) else { return (reply, speculated, nil) }
        return (reply, speculated, try evaluateNow([call])[0])
    }

    /// `evaluatePipeline`, within the current turn of this actor.
    private func evaluateNow(
        _ calls: [(script: RedisScript, keys: [String], arguments: RedisCommand)]
    ) throws(RedisError) -> [RedisReply] {
        guard !calls.isEmpty else { return [] }
        return try withConnection { connection throws(RedisError) in
            var results = [RedisReply](repeating: .null, count: calls.count)
            var pending = Array(calls.indices)
            // The first send, then at most two reloads: a third NOSCRIPT in a row is returned as is.
            for _ in 0..<3 where !pending.isEmpty {
                pending = try Self.evaluate(pending, of: calls, on: connection, into: &results)
            }
            return results
        }
    }

    /// The `EVALSHA` command for one script call.
    private static func evalsha(_ call: (script: RedisScript, keys: [String], arguments: RedisCommand)) -> RedisCommand {
        var command = RedisCommand("EVALSHA")
        command.append(call.script.sha1)
        command.append(call.keys.count)
        for key in call.keys {
            command.append(key)
        }
        command.append(contentsOf: call.arguments)
        return command
    }

    /// Sends `SCRIPT LOAD` for the missing scripts and `EVALSHA` for `indices`; returns the indices that got `NOSCRIPT`.
    private static func evaluate(
        _ indices: [Int],
        of calls: [(script: RedisScript, keys: [String], arguments: RedisCommand)],
        on connection: RedisConnection,
        into results: inout [RedisReply]
    ) throws(RedisError) -> [Int] {
        var loads: [RedisScript] = []
        var queued: Set<String> = []
        for index in indices {
            let script = calls[index].script
            if !connection.loadedScripts.contains(script.sha1), queued.insert(script.sha1).inserted {
                loads.append(script)
            }
        }
        var commands: [RedisCommand] = []
        commands.reserveCapacity(loads.count + indices.count)
        for script in loads {
            var load = RedisCommand("SCRIPT")
            load.append("LOAD")
            load.append(script.source)
            commands.append(load)
        }
        for index in indices {
            commands.append(evalsha(calls[index]))
        }

        let replies = try connection.pipeline(commands)

        var loadErrors: [String: RedisReply] = [:]
        for (script, reply) in zip(loads, replies) {
            switch reply {
            case .error(let message):
                // Usually a compile error; every call of this script reports it instead of a NOSCRIPT.
                loadErrors[script.sha1] = .error("\(message) (script \(script.name))")
            case .string(let sha) where String(decoding: sha, as: UTF8.self) == script.sha1:
                connection.loadedScripts.insert(script.sha1)
            default:
                throw RedisError(.protocolError, "SCRIPT LOAD of script \(script.name) answered \(reply), expected its SHA-1 \(script.sha1)")
            }
        }
        var noscript: [Int] = []
        for (index, reply) in zip(indices, replies.dropFirst(loads.count)) {
            let sha = calls[index].script.sha1
            if let loadError = loadErrors[sha] {
                results[index] = loadError
                continue
            }
            results[index] = reply
            if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
                connection.loadedScripts.remove(sha)
                noscript.append(index)
            }
        }
        return noscript
    }
}
