import Synchronization

/// Counts the job loop's calls that may lease jobs, and once closed lets none start.
///
/// A worker that hands its leases back must first wait out every such call: a blocking wait that
/// a hand-back's own wake ends would otherwise lease a job just put back, and the worker would
/// exit holding it until the lease expired.
final class LeaseGate: Sendable {
    private struct State {
        var open = true
        var inFlight = 0
        var closers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts a call that may lease; `false` once the gate is closed. Pair a `true` with `leave()`.
    func enter() -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            state.inFlight += 1
            return true
        }
    }

    func leave() {
        let closers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.closers = [] }
            return state.closers
        }
        for closer in closers { closer.resume() }
    }

    /// Lets no new call start, and returns once none is under way.
    func close() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                state.open = false
                if state.inFlight == 0 { return true }
                state.closers.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
