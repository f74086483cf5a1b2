import DroverControl
import DroverPosix
import Glibc
import Synchronization

/// Serves `drover status|scale|drain` on a Unix socket: one JSON request line, one response line.
///
/// The socket file is created with mode 0600 (bound under a temporary name, restricted, then
/// renamed into place, so it is never reachable with a looser mode) and each peer's uid is
/// checked with `SO_PEERCRED` against an `AdminAccessPolicy`. Bad input of any kind (garbage,
/// overlong lines, silence, refused peers) gets an error line and a closed connection; the server
/// keeps serving. Reading happens on dedicated threads; only the handler runs as a task.
public final class AdminServer: Sendable {
    struct Pending: Sendable {
        let fd: Int32
        let request: AdminRequest
    }

    struct FileIdentity: Equatable {
        let device: UInt64
        let inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    struct State {
        var runStarted = false
        var stopped = false
        /// Set by the accept thread as it starts; it then owns (and closes) the listening socket.
        var acceptThreadOwnsSocket = false
    }

    /// The socket's path.
    public let path: String
    public let access: AdminAccessPolicy
    let listenFD: Int32
    /// Which file we created, so `stop` never unlinks a newer server's socket.
    private let identity: FileIdentity
    let requestTimeout: Duration
    let maxConcurrentConnections: Int
    let state = Mutex(State())
    let openConnections = Atomic<Int>(0)
    private let requests: AsyncStream<Pending>
    let requestSink: AsyncStream<Pending>.Continuation

    /// Creates the socket at `path` and listens; serve it with `run`.
    ///
    /// A stale socket left by a supervisor that died is replaced.
    /// - Throws: `.alreadyInUse` if a live server answers at `path`, `.notASocket` if another
    ///   kind of file is there (it is left alone), `.pathTooLong`, or `.systemCallFailed`.
    public init(
        path: String,
        access: AdminAccessPolicy = .sameUserOrRoot,
        requestTimeout: Duration = .seconds(5),
        maxConcurrentConnections: Int = 16
    ) throws(AdminSocketError) {
        precondition(maxConcurrentConnections > 0, "an admin server must accept at least one connection")
        try UnixSocketAddress.check(path)
        try Self.removeStaleSocket(at: path)
        (listenFD, identity) = try Self.listen(at: path)
        self.path = path
        self.access = access
        self.requestTimeout = requestTimeout
        self.maxConcurrentConnections = maxConcurrentConnections
        (requests, requestSink) = AsyncStream.makeStream(of: Pending.self)
    }

    deinit {
        stop()
    }

    /// Serves requests until `stop()` is called or the calling task is cancelled; each request's
    /// `handler` runs in a child task, so a slow one does not hold up the others.
    ///
    /// Call it once. After it returns the socket file is gone.
    public func run(_ handler: @escaping @Sendable (AdminRequest) async -> AdminResponse) async {
        let start = state.withLock { state in
            precondition(!state.runStarted, "AdminServer.run called twice")
            state.runStarted = true
            return !state.stopped
        }
        if start {
            do {
                try DedicatedThread.start(name: "drover-admin") { [self] in
                    acceptLoop()
                }
            } catch {
                stop()
            }
        }
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await pending in requests {
                    group.addTask {
                        let response = await handler(pending.request)
                        Self.respond(pending.fd, response)
                    }
                }
            }
        } onCancel: {
            stop()
        }
    }

    /// Stops accepting, unlinks the socket file and ends `run` once running handlers finish.
    /// Idempotent.
    public func stop() {
        let (first, closeHere) = state.withLock { state in
            guard !state.stopped else {
                return (false, false)
            }
            state.stopped = true
            // Wakes the accept thread out of accept(2); it then closes the socket itself.
            Glibc.shutdown(listenFD, Int32(SHUT_RDWR))
            return (true, !state.acceptThreadOwnsSocket)
        }
        guard first else {
            return
        }
        if closeHere {
            Posix.close(listenFD)
        }
        requestSink.finish()
        unlinkIfOurs()
    }

    private func unlinkIfOurs() {
        var info = stat()
        if lstat(path, &info) == 0, FileIdentity(info) == identity {
            unlink(path)
        }
    }

    /// Writes the response line and closes the connection.
    static func respond(_ fd: Int32, _ response: AdminResponse) {
        UnixSocketAddress.writeAll(fd, Array((response.jsonLine + "\n").utf8))
        Posix.close(fd)
    }
}
