import Glibc

/// Starts OS threads outside Swift's cooperative pool, for work that blocks (hiredis I/O), with SIGPIPE blocked.
enum DedicatedThread {
    private final class Start {
        let body: @Sendable () -> Void
        init(body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }

    /// Runs `body` on a new detached thread.
    @discardableResult
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let start = Unmanaged.passRetained(Start(body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            // hiredis writes with write(2), so a write to a socket the server closed raises SIGPIPE,
            // whose default action kills the whole process. A write-generated SIGPIPE goes to the
            // writing thread; blocked here, it stays pending on this thread and write fails with EPIPE,
            // which hiredis reports as an I/O error. This leaves the process-wide disposition alone.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            start.body()
            return nil
        }, start)
        // Thread creation fails only when the process is out of threads or memory; nothing sane remains to do.
        precondition(status == 0, "pthread_create failed with error \(status)")
        pthread_detach(thread)
        return thread
    }
}
