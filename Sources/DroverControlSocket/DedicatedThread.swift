import DroverPosix
import Glibc

/// Starts detached OS threads for blocking work that must never sit on the cooperative pool.
enum DedicatedThread {
    private final class Body {
        let run: () -> Void

        init(run: @escaping () -> Void) {
            self.run = run
        }
    }

    /// Runs `body` on a new detached thread; `name` only labels a failure to start it.
    ///
    /// (Glibc's `pthread_setname_np` is GNU-only and not imported, so the thread stays unnamed.)
    ///
    /// The thread blocks every signal: signals belong to the threads that handle them, and a
    /// handler running here would interrupt the blocking calls this thread exists to make.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(PosixError) {
        let context = Unmanaged.passRetained(Body(run: body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            var allSignals = sigset_t()
            sigfillset(&allSignals)
            pthread_sigmask(SIG_BLOCK, &allSignals, nil)
            body.run()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            throw PosixError(Errno(rawValue: rc), operation: "pthread_create(\(name))")
        }
        pthread_detach(thread)
    }
}
