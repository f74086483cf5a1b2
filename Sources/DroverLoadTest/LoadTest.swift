import DroverHTTPClient
import DroverQueue
import NIOCore
import NIOPosix
import Synchronization

/// The load generator behind `drover loadtest`.
///
/// Closed loop: `concurrency` connections, each sending its next request as soon as the last is
/// answered, until `duration` is over. Open loop (`rate`): requests start on a fixed schedule
/// whether or not earlier ones were answered, at most `concurrency` in flight; each latency counts
/// from the request's scheduled time, so a stalled server cannot hide its stall (no coordinated
/// omission). Requests under way at the end are waited for, up to the request timeout.
public struct LoadTest: Sendable {
    public let options: LoadTestOptions
    let body: BodyTemplate

    public init(options: LoadTestOptions) {
        self.options = options
        self.body = BodyTemplate(options.bodyTemplate)
    }

    public func run() async -> LoadTestReport {
        var configuration = HTTPClient.Configuration()
        configuration.maxConnectionsPerHost = options.concurrency
        configuration.maxIdleConnectionsPerHost = options.concurrency
        configuration.requestTimeout = options.requestTimeout
        configuration.userAgent = "drover-loadtest"
        let client = HTTPClient(configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let recorder: LoadRecorder
        if let rate = options.rate {
            recorder = await openLoop(client, rate: rate, start: start, clock: clock)
        } else {
            recorder = await closedLoop(client, start: start, clock: clock)
        }
        let elapsed = clock.now - start
        await client.shutdown()
        return LoadTestReport(options: options, recorder: recorder, elapsed: elapsed)
    }

    private func request(_ number: Int) -> HTTPRequest {
        HTTPRequest(method: options.method, url: options.url, headers: options.headers, body: body.render(number))
    }

    /// Each lane sends its next request from the callback of the last one, on that connection's
    /// event loop: no thread switch per request, so the generator costs little of a shared machine.
    private func closedLoop(_ client: HTTPClient, start: ContinuousClock.Instant, clock: ContinuousClock) async -> LoadRecorder {
        let end = start + options.duration
        let lanes = (0..<options.concurrency).map { ClosedLoopLane(number: $0, step: options.concurrency) }
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let finished = lanes.map { lane in
            let promise = eventLoop.makePromise(of: Void.self)
            lane.run(client: client, request: request, clock: clock, end: end, done: promise)
            return promise.futureResult
        }
        _ = try? await EventLoopFuture.andAllComplete(finished, on: eventLoop).get()
        var total = LoadRecorder()
        for lane in lanes { total.merge(lane.recorder.withLock { $0 }) }
        return total
    }

    /// Starts each request at its scheduled time from a 1 ms tick on every event loop (loop `i` of
    /// `L` takes requests `i, i+L, …`), so that requests leave from the thread that owns their
    /// connection; answers are recorded by callbacks. A request starts up to a tick late, and that
    /// delay counts in its latency.
    private func openLoop(_ client: HTTPClient, rate: Double, start: ContinuousClock.Instant, clock: ContinuousClock) async -> LoadRecorder {
        let end = start + options.duration
        let shared = OpenLoopState()
        let limit = options.concurrency
        let totalSeconds = options.duration.inSeconds
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let finished = loops.enumerated().map { index, eventLoop in
            let done = eventLoop.makePromise(of: Void.self)
            let ticker = OpenLoopTicker(first: index, step: loops.count)
            eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                let now = clock.now
                let due = Int(min((now - start).inSeconds, totalSeconds) * rate) + 1
                while let number = ticker.take(below: due) {
                    guard shared.inFlight.load(ordering: .relaxed) < limit else {
                        shared.skipped.add(1, ordering: .relaxed)
                        continue
                    }
                    let scheduled = start + .seconds(Double(number) / rate)
                    shared.inFlight.add(1, ordering: .relaxed)
                    client.execute(request(number)).whenComplete { result in
                        let micros = (clock.now - scheduled).inMicroseconds
                        shared.recorder.withLock { $0.record(result, micros: micros) }
                        shared.inFlight.subtract(1, ordering: .relaxed)
                    }
                }
                if now >= end {
                    task.cancel()
                    done.succeed(())
                }
            }
            return done.futureResult
        }
        _ = try? await EventLoopFuture.andAllComplete(finished, on: loops[0]).get()
        // Requests under way finish or time out; the client's timeout bounds this wait.
        while shared.inFlight.load(ordering: .relaxed) > 0 {
            try? await Task.sleep(for: .milliseconds(1))
        }
        return shared.recorder.withLock { recorder in
            recorder.skipped = shared.skipped.load(ordering: .relaxed)
            return recorder
        }
    }
}

/// The request numbers one event loop's tick starts: `first`, `first + step`, …
final class OpenLoopTicker: Sendable {
    private let next: Atomic<Int>
    private let step: Int

    init(first: Int, step: Int) {
        self.next = Atomic(first)
        self.step = step
    }

    /// The next number if it is below `due`, moving on past it.
    func take(below due: Int) -> Int? {
        let number = next.load(ordering: .relaxed)
        guard number < due else { return nil }
        next.store(number + step, ordering: .relaxed)
        return number
    }
}

/// One closed-loop connection's share of the load: its request numbers and what it saw.
final class ClosedLoopLane: Sendable {
    /// Written by one callback at a time (each runs after the last one's request was answered);
    /// the lock is never contended and makes that visible to the compiler.
    let recorder = Mutex(LoadRecorder())
    private let nextNumber: Atomic<Int>
    private let step: Int

    init(number: Int, step: Int) {
        self.nextNumber = Atomic(number)
        self.step = step
    }

    func run(
        client: HTTPClient, request: @escaping @Sendable (Int) -> HTTPRequest, clock: ContinuousClock,
        end: ContinuousClock.Instant, done: EventLoopPromise<Void>
    ) {
        let sent = clock.now
        guard sent < end else {
            done.succeed(())
            return
        }
        let number = nextNumber.add(step, ordering: .relaxed).oldValue
        let future = client.execute(request(number))
        future.whenComplete { result in
            self.recorder.withLock { $0.record(result, micros: (clock.now - sent).inMicroseconds) }
            if case .failure = result {
                // A failure can come back at once (a refused connection); going round through the
                // event loop keeps that from recursing down the stack.
                future.eventLoop.execute { self.run(client: client, request: request, clock: clock, end: end, done: done) }
            } else {
                self.run(client: client, request: request, clock: clock, end: end, done: done)
            }
        }
    }
}

/// What the open loop's request tasks share.
final class OpenLoopState: Sendable {
    let recorder = Mutex(LoadRecorder())
    let inFlight = Atomic<Int>(0)
    let skipped = Atomic<Int>(0)
}

/// A body with `{{n}}` markers, split once so that each request's body is a cheap concatenation.
struct BodyTemplate: Sendable {
    let pieces: [[UInt8]]

    init(_ template: String) {
        pieces = template.split(separator: "{{n}}", omittingEmptySubsequences: false).map { Array($0.utf8) }
    }

    func render(_ number: Int) -> [UInt8] {
        guard pieces.count > 1 else { return pieces.first ?? [] }
        let digits = Array(String(number).utf8)
        var bytes = pieces[0]
        for piece in pieces.dropFirst() {
            bytes += digits
            bytes += piece
        }
        return bytes
    }
}
