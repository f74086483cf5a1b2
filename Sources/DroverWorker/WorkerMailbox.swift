import DroverQueue
import Synchronization

/// What wakes the job loop.
enum WorkerEvent: Sendable {
    /// An attempt ended; its outcome waits to be acked.
    case finished(JobOutcome)
    /// The blocking wait for new work returned (woken or timed out), with the jobs leased as it woke.
    case waitEnded([ReservedJob])
    /// A user cancelled a running job: its handler was stopped, and its slot is free with nothing to ack.
    case released
    /// Stop reserving, finish what runs, then return.
    case drain
}

/// A many-writer, one-reader mailbox whose reader takes everything that arrived at once, so the
/// loop acks a whole batch of finished jobs in one round trip.
final class WorkerMailbox: Sendable {
    private struct State {
        var events: [WorkerEvent] = []
        var reader: CheckedContinuation<[WorkerEvent], Never>?
    }

    private let state = Mutex(State())

    func post(_ event: WorkerEvent) {
        let reader: CheckedContinuation<[WorkerEvent], Never>? = state.withLock { s in
            if let reader = s.reader {
                s.reader = nil
                return reader
            }
            s.events.append(event)
            return nil
        }
        reader?.resume(returning: [event])
    }

    /// Every event that arrived since the last call; waits while there is none.
    func takeAll() async -> [WorkerEvent] {
        await withCheckedContinuation { continuation in
            let ready: [WorkerEvent]? = state.withLock { s in
                if s.events.isEmpty {
                    s.reader = continuation
                    return nil
                }
                defer { s.events.removeAll(keepingCapacity: true) }
                return s.events
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
