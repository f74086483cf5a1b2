import CHiredis
import Glibc

/// Owns one blocking hiredis context, already authenticated and on its database.
///
/// Not Sendable on purpose: it is created, used and freed by one owner (the `RedisClient` actor on
/// its dedicated thread, or a subscription's thread). Any thrown error from an I/O method means the
/// context is dead: the owner drops this object and opens a new one.
final class RedisConnection {
    /// Why `open` failed, and whether trying again could help.
    struct OpenFailure: Error {
        let error: RedisError
        /// A refused `AUTH` or `SELECT`: the server answered, and will answer the same way again.
        let isPermanent: Bool
    }

    let url: RedisURL
    /// SHA-1s of the scripts this connection has loaded (they survive until `SCRIPT FLUSH` or a restart).
    var loadedScripts: Set<String> = []
    private let context: UnsafeMutablePointer<redisContext>
    /// The socket read/write timeout now in force, for the message of a `.timeout` error.
    private var timeout: Duration

    private init(context: UnsafeMutablePointer<redisContext>, url: RedisURL, timeout: Duration) {
        self.context = context
        self.url = url
        self.timeout = timeout
    }

    deinit {
        redisFree(context)
    }

    /// Connects, sets the command timeout, and runs `AUTH` and `SELECT` as the URL asks.
    static func open(url: RedisURL, options: RedisOptions) throws(OpenFailure) -> RedisConnection {
        let connectTimeout = options.connectTimeout.timevalAtLeastOneMillisecond
        let raw: UnsafeMutablePointer<redisContext>? =
            switch url.endpoint {
            case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), connectTimeout)
            case .unix(let path): redisConnectUnixWithTimeout(path, connectTimeout)
            }
        guard let raw else {
            throw OpenFailure(error: RedisError(.connectionFailed, "could not allocate a hiredis context for \(url)"), isPermanent: false)
        }
        if raw.pointee.err != 0 {
            let reason = String(cString: chiredis_errstr(raw))
            redisFree(raw)
            throw OpenFailure(error: RedisError(.connectionFailed, "could not connect to \(url): \(reason)"), isPermanent: false)
        }
        // `.zero` is never a timeout in force (see `setTimeout`), so the first `setTimeout` always applies.
        let connection = RedisConnection(context: raw, url: url, timeout: .zero)
        do {
            try connection.setTimeout(options.commandTimeout)
            if case .tcp = url.endpoint {
                // Lets the kernel notice a peer that vanished without a FIN (host crash, cable).
                _ = redisEnableKeepAlive(raw)
            }
        } catch {
            throw OpenFailure(error: RedisError(.connectionFailed, "could not configure the connection to \(url): \(error.message)"), isPermanent: false)
        }
        try connection.handshake()
        return connection
    }

    private func handshake() throws(OpenFailure) {
        if let password = url.password {
            var auth = RedisCommand("AUTH")
            if let username = url.username { auth.append(username) }
            auth.append(password)
            try expectSuccess(auth, failure: "authentication to \(url) was refused")
        }
        if url.database != 0 {
            var select = RedisCommand("SELECT")
            select.append(url.database)
            try expectSuccess(select, failure: "SELECT \(url.database) on \(url) was refused")
        }
    }

    private func expectSuccess(_ command: RedisCommand, failure: String) throws(OpenFailure) {
        let reply: RedisReply
        do {
            reply = try roundTrip(command)
        } catch {
            throw OpenFailure(error: RedisError(.connectionFailed, "\(failure): \(error.message)"), isPermanent: false)
        }
        if case .error(let message) = reply {
            throw OpenFailure(error: RedisError(.connectionFailed, "\(failure): \(message)"), isPermanent: true)
        }
    }

    /// The socket descriptor, for `poll(2)`.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// Whether the server closed (or wrote to) this idle connection since the last reply: a reply-less
    /// connection has nothing to read, so readability means EOF or a reset. Checked before sending,
    /// so a connection that died while idle is replaced without losing a command.
    var isStale: Bool {
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Sets the socket read and write timeout (at least 1 ms; zero would mean "forever").
    func setTimeout(_ duration: Duration) throws(RedisError) {
        guard duration != timeout else { return }
        if redisSetTimeout(context, duration.timevalAtLeastOneMillisecond) != REDIS_OK {
            throw failure(while: "setting the socket timeout")
        }
        timeout = duration
    }

    /// Sends one command and reads its reply.
    func roundTrip(_ command: RedisCommand) throws(RedisError) -> RedisReply {
        try append(command)
        return try readReply()
    }

    /// Sends all commands in one write and reads their replies in order.
    func pipeline(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        for command in commands {
            try append(command)
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            replies.append(try readReply())
        }
        return replies
    }

    /// Adds a command to hiredis's output buffer; nothing is written until a reply is read.
    func append(_ command: RedisCommand) throws(RedisError) {
        precondition(command.count > 0, "callers reject empty commands before they reach the connection")
        let headerStatus = command.withHeader { header in
            redisAppendFormattedCommand(context, header.baseAddress!.assumingMemoryBound(to: CChar.self), header.count)
        }
        let bodyStatus = command.encoded.withUnsafeBufferPointer { body in
            body.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(context, $0.baseAddress!, $0.count) }
        }
        if headerStatus != REDIS_OK || bodyStatus != REDIS_OK {
            throw failure(while: "buffering a command")
        }
    }

    /// Writes the output buffer, then blocks (up to the socket timeout) for the next reply.
    func readReply() throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            throw failure(while: "waiting for a reply")
        }
        defer { freeReplyObject(raw) }
        return RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Reads whatever the socket holds into hiredis's reader; call only when `poll` says readable.
    func readAvailable() throws(RedisError) {
        if redisBufferRead(context) != REDIS_OK {
            throw failure(while: "reading")
        }
    }

    /// The next complete reply already read from the socket, if any; never blocks.
    func nextBufferedReply() throws(RedisError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            throw failure(while: "parsing a reply")
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Turns hiredis's error state (read right after the failing call, with its `errno`) into a `RedisError`.
    private func failure(while activity: String) -> RedisError {
        let code = errno
        let reason = String(cString: chiredis_errstr(context))
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK:
            // SO_RCVTIMEO/SO_SNDTIMEO expired: in blocking mode that is the only source of EAGAIN.
            return RedisError(.timeout, "\(url) did not answer within \(timeout) while \(activity)")
        case REDIS_ERR_PROTOCOL:
            return RedisError(.protocolError, "unreadable reply from \(url) while \(activity): \(reason)")
        case REDIS_ERR_EOF:
            return RedisError(.connectionLost, "\(url) closed the connection while \(activity)")
        default:
            return RedisError(.connectionLost, "connection to \(url) failed while \(activity): \(reason.isEmpty ? "error \(code)" : reason)")
        }
    }
}
