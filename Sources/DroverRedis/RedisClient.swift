/// Owns one hiredis connection on a dedicated thread: every hiredis call, including blocking ones like
/// `BZPOPMIN`, runs on that thread and never on Swift's cooperative pool.
///
/// Calls run one at a time, in arrival order; a blocking command delays only this client's other calls.
/// The connection opens on first use (or `connect()`), and after it breaks the next call opens a new one,
/// re-running `AUTH` and `SELECT`. A command that failed because the connection broke is never re-sent
/// (it may have run): it throws `.connectionLost` or `.timeout`. Connect attempts back off with jitter
/// (see `RedisOptions`); a call that exhausts them throws `.connectionFailed`.
///
/// Do not send `SUBSCRIBE`, `MONITOR` or `HELLO 3` here; use `RedisSubscription` for pub/sub.
public actor RedisClient {
    public nonisolated let url: RedisURL
    public nonisolated let options: RedisOptions
    private let executor: ThreadExecutor
    private let backoff: ReconnectBackoff
    private var connection: RedisConnection?
    /// Connect attempts that failed in a row, across calls, so the next call backs off before trying.
    private var failedConnects = 0
    private var isClosed = false

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    public init(url: RedisURL, options: RedisOptions = .init()) {
        self.url = url
        self.options = options
        self.backoff = ReconnectBackoff(options: options)
        self.executor = ThreadExecutor()
    }

    deinit {
        // No job can still be queued for this actor (each would hold a reference to it), so the thread
        // may stop. `connection` is released after this body on whichever thread runs deinit; that is
        // safe because nothing else can reach it any more.
        executor.shutdown()
    }

    /// Opens the connection now instead of on the first command.
    public func connect() async throws(RedisError) {
        _ = try liveConnection()
    }

    /// Sends one command with the default command timeout; a server error reply is thrown as `.serverError`.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        try Self.validate(command)
        let reply = try withConnection { connection throws(RedisError) in try connection.roundTrip(command) }
        return try Self.throwingServerError(reply)
    }

    /// Sends one command allowing it `timeout` to answer, for commands that block on the server:
    /// pass their own timeout plus a margin (`BZPOPMIN q 2` → `.seconds(3)`).
    public func send(_ command: RedisCommand, timeout: Duration) async throws(RedisError) -> RedisReply {
        try Self.validate(command)
        let reply = try withConnection { connection throws(RedisError) in
            try connection.setTimeout(timeout)
            let reply = try connection.roundTrip(command)
            try connection.setTimeout(options.commandTimeout)
            return reply
        }
        return try Self.throwingServerError(reply)
    }

    /// Sends all commands in one round trip and returns their replies in order; a server error for one
    /// command comes back as `.error` in its place and does not stop the others.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        for command in commands {
            try Self.validate(command)
        }
        return try withConnection { connection throws(RedisError) in try connection.pipeline(commands) }
    }

    /// Drops the connection. Later calls throw `.connectionLost`; make a new client to reconnect.
    public func close() {
        isClosed = true
        connection = nil
    }

    /// Runs `body` on a live connection; if it throws, the connection is dead (see `RedisConnection`) and is dropped.
    func withConnection<R>(_ body: (RedisConnection) throws(RedisError) -> R) throws(RedisError) -> R {
        let live = try liveConnection()
        do {
            return try body(live)
        } catch {
            connection = nil
            throw error
        }
    }

    private func liveConnection() throws(RedisError) -> RedisConnection {
        if isClosed {
            throw RedisError(.connectionLost, "the client for \(url) is closed")
        }
        if let connection {
            if !connection.isStale { return connection }
            self.connection = nil
        }
        let attempts = max(1, options.reconnectAttempts)
        var lastFailure = RedisError(.connectionFailed, "no attempt made")
        for _ in 0..<attempts {
            if failedConnects > 0 {
                // Blocking this client's own thread is the point: its queued calls wait their turn anyway.
                backoff.delay(afterFailures: failedConnects).sleepBlockingThread()
            }
            do {
                let opened = try RedisConnection.open(url: url, options: options)
                failedConnects = 0
                connection = opened
                return opened
            } catch {
                failedConnects += 1
                if error.isPermanent { throw error.error }
                lastFailure = error.error
            }
        }
        throw RedisError(
            .connectionFailed,
            "\(url) is unavailable after \(attempts) connect attempt\(attempts == 1 ? "" : "s"): \(lastFailure.message)")
    }

    static func validate(_ command: RedisCommand) throws(RedisError) {
        if command.count == 0 {
            throw RedisError(.protocolError, "empty command: a RedisCommand needs at least its name")
        }
    }

    static func throwingServerError(_ reply: RedisReply) throws(RedisError) -> RedisReply {
        if case .error(let message) = reply {
            throw RedisError(.serverError, message)
        }
        return reply
    }
}
