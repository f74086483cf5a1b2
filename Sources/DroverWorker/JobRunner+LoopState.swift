import DroverQueue

extension JobRunner {
    /// The job loop's bookkeeping; only the loop touches it.
    struct LoopState {
        let concurrency: Int
        var inFlight = 0
        var pendingAcks: [JobOutcome] = []
        /// A blocking wait for new work is outstanding. It may lease as many jobs as were free when
        /// it began; nothing else reserves until it ends, so those slots stay its own.
        var waiting = false
        var draining = false
        var backendHealthy = true
        var retryDelay: Duration

        init(concurrency: Int, retryDelay: Duration) {
            self.concurrency = concurrency
            self.retryDelay = retryDelay
        }

        var free: Int { concurrency - inFlight }
        var canReserve: Bool { !draining && free > 0 && !waiting }
        var isFinished: Bool { draining && inFlight == 0 && pendingAcks.isEmpty && !waiting }

        mutating func backendSucceeded(initialDelay: Duration) {
            backendHealthy = true
            retryDelay = initialDelay
        }

        /// Doubles the pause, with jitter so that many workers do not retry in step.
        mutating func backendFailed(maxDelay: Duration) {
            backendHealthy = false
            retryDelay = min(retryDelay * 2, maxDelay) * Double.random(in: 0.5...1.0)
        }
    }
}
