import DroverQueue
import Synchronization

/// Events between the subscription and the dispatcher: posted one by one, taken all at once.
///
/// Bounded like the queue's own event buffer: past `limit` waiting events, new ones are dropped
/// (their webhooks are not called) rather than grow memory behind a stalled dispatcher.
final class EventInbox: Sendable {
    private struct State {
        var events: [JobEvent] = []
        var closed = false
        var dropped = 0
    }

    private let state = Mutex(State())
    /// Rings when events were posted or the inbox closed; one pending ring is enough, because
    /// whoever answers takes everything posted so far. It has one listener: the dispatcher.
    let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    let limit: Int

    init(limit: Int = 100_000) {
        self.limit = limit
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func post(_ event: JobEvent) {
        let taken = state.withLock { state in
            guard state.events.count < limit else {
                state.dropped += 1
                return false
            }
            state.events.append(event)
            return true
        }
        if taken { ring.yield() }
    }

    func close() {
        state.withLock { $0.closed = true }
        ring.finish()
    }

    /// Every event posted so far, and whether the inbox is closed.
    func takeAll() -> (events: [JobEvent], closed: Bool) {
        state.withLock { state in
            defer { state.events = [] }
            return (state.events, state.closed)
        }
    }

    /// Events dropped because the inbox was full.
    var dropped: Int { state.withLock { $0.dropped } }
}
