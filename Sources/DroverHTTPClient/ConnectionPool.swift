import NIOCore
import Synchronization

/// Open connections per `address:port`: idle ones are reused while keep-alive holds, and no more than
/// `maxPerHost` are open at once; callers beyond that wait, in order, until one is free or their
/// deadline passes.
final class ConnectionPool: Sendable {
    /// Where a connection goes: the address connected to (a name or a numeric IP) and the port.
    struct Key: Hashable, Sendable {
        let address: String
        let port: Int
    }

    /// What a caller gets: an idle connection, or the right to open a new one.
    enum Grant: Sendable {
        case connection(any Channel)
        case open
    }

    private struct Waiter {
        let id: Int
        let promise: EventLoopPromise<Grant>
    }

    private struct Host {
        var idle: [any Channel] = []
        var open = 0
        var waiters: [Waiter] = []
    }

    private struct State {
        var hosts: [Key: Host] = [:]
        var nextWaiterID = 0
        var shutDown = false
    }

    private let state = Mutex(State())
    let maxPerHost: Int
    let maxIdlePerHost: Int

    init(maxPerHost: Int, maxIdlePerHost: Int) {
        self.maxPerHost = max(1, maxPerHost)
        self.maxIdlePerHost = max(0, maxIdlePerHost)
    }

    /// Takes an idle connection or a free slot, waiting for one until `deadline`. The future is on
    /// the idle connection's event loop, or on `eventLoop` for a slot or a wait.
    func acquire(_ key: Key, deadline: NIODeadline, eventLoop: any EventLoop) -> EventLoopFuture<Grant> {
        let decision: Result<Grant, HTTPClientError>? = state.withLock { state in
            guard !state.shutDown else { return .failure(Self.shutDownError) }
            if let grant = Self.take(key, from: &state, maxPerHost: maxPerHost) { return .success(grant) }
            return nil
        }
        switch decision {
        case .success(.connection(let channel)): return channel.eventLoop.makeSucceededFuture(.connection(channel))
        case .success(.open): return eventLoop.makeSucceededFuture(.open)
        case .failure(let error): return eventLoop.makeFailedFuture(error)
        case nil: return wait(key, deadline: deadline, eventLoop: eventLoop)
        }
    }

    private func wait(_ key: Key, deadline: NIODeadline, eventLoop: any EventLoop) -> EventLoopFuture<Grant> {
        let promise = eventLoop.makePromise(of: Grant.self)
        let id: Int? = state.withLock { state in
            if state.shutDown {
                promise.fail(Self.shutDownError)
                return nil
            }
            // A connection may have come back between the two locks.
            if let grant = Self.take(key, from: &state, maxPerHost: maxPerHost) {
                promise.succeed(grant)
                return nil
            }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.hosts[key, default: Host()].waiters.append(Waiter(id: id, promise: promise))
            return id
        }
        if let id {
            eventLoop.scheduleTask(deadline: deadline) { self.timeOut(key, waiter: id) }
        }
        return promise.futureResult
    }

    private static func take(_ key: Key, from state: inout State, maxPerHost: Int) -> Grant? {
        var host = state.hosts[key, default: Host()]
        defer { state.hosts[key] = host }
        while let channel = host.idle.popLast() {
            if channel.isActive { return .connection(channel) }
            // The server closed it while it sat idle.
            host.open -= 1
        }
        guard host.open < maxPerHost else { return nil }
        host.open += 1
        return .open
    }

    private func timeOut(_ key: Key, waiter id: Int) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.hosts[key]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.hosts[key]!.waiters.remove(at: index)
        }
        waiter?.promise.fail(HTTPClientError(
            .requestTimeout, "no connection to \(key.address):\(key.port) became free within the request timeout (\(maxPerHost) in use)"))
    }

    /// Returns a slot: `channel` is kept (or handed to a waiter) when `reusable`, closed otherwise;
    /// `nil` gives back the slot of a connection that was never opened.
    func release(_ key: Key, _ channel: (any Channel)?, reusable: Bool) {
        var toClose: (any Channel)?
        let handOver: (Waiter, Grant)? = state.withLock { state in
            var host = state.hosts[key, default: Host()]
            defer { state.hosts[key] = host }
            if reusable, let channel, !state.shutDown, channel.isActive {
                if !host.waiters.isEmpty { return (host.waiters.removeFirst(), .connection(channel)) }
                if host.idle.count < maxIdlePerHost {
                    host.idle.append(channel)
                    return nil
                }
            }
            toClose = channel
            host.open -= 1
            if !state.shutDown, !host.waiters.isEmpty {
                host.open += 1
                return (host.waiters.removeFirst(), .open)
            }
            return nil
        }
        if let handOver { handOver.0.promise.succeed(handOver.1) }
        if let toClose, toClose.isActive { toClose.close(promise: nil) }
    }

    /// Refuses new requests, closes idle connections and fails waiters; busy connections close when done.
    func shutdown() {
        let (idle, waiters): ([any Channel], [Waiter]) = state.withLock { state in
            state.shutDown = true
            var idle: [any Channel] = []
            var waiters: [Waiter] = []
            for key in state.hosts.keys {
                idle += state.hosts[key]!.idle
                waiters += state.hosts[key]!.waiters
                state.hosts[key]!.open -= state.hosts[key]!.idle.count
                state.hosts[key]!.idle = []
                state.hosts[key]!.waiters = []
            }
            return (idle, waiters)
        }
        for channel in idle { channel.close(promise: nil) }
        for waiter in waiters { waiter.promise.fail(Self.shutDownError) }
    }

    /// Connections open now, idle or busy, per key: for tests and diagnostics.
    func openConnections(_ key: Key) -> Int { state.withLock { $0.hosts[key]?.open ?? 0 } }

    static let shutDownError = HTTPClientError(.shutDown, "the HTTP client was shut down")
}
