import DroverHTTPClient
import NIOCore
import NIOPosix

/// The load generator behind `drover loadtest`.
///
/// Closed loop: `concurrency` connections, each sending its next request as soon as the last is
/// answered, until `duration` is over (each sends at least one). Open loop (`rate`): requests
/// start on a fixed schedule whether or not earlier ones were answered, at most `concurrency` in
/// flight; each latency counts from the request's scheduled time, so a stalled server cannot hide
/// its stall (no coordinated omission). Requests under way at the end are waited for, up to the request timeout.
public struct LoadTest: Sendable {
    public let options: LoadTestOptions
    let template: RequestTemplate

    public init(options: LoadTestOptions) {
        self.options = options
        self.template = RequestTemplate(options)
    }

    public func run() async -> LoadTestReport {
        let address = try? await HostResolver.resolve(options.url.host).lazy
            .compactMap { [port = options.url.port] in try? SocketAddress(ipAddress: $0, port: port) }.first
        let target = LoadLane.Target(
            host: options.url.host, port: options.url.port, address: address,
            timeout: HTTPClient.timeAmount(options.requestTimeout), answersHaveNoBody: options.method == "HEAD")
        let clock = ContinuousClock()
        let start = clock.now
        // Each event loop drives its own share of the connections, so a request and its answer never
        // leave the thread that owns the connection.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator().prefix(options.concurrency))
        let shares = loops.enumerated().map { index, eventLoop in
            LoopShare.start(
                on: eventLoop, index: index, of: loops.count, test: self, target: target, clock: clock, start: start)
        }
        var total = LoadRecorder()
        // A share's promise is only ever succeeded.
        for share in shares { if let seen = try? await share.get() { total.merge(seen) } }
        return LoadTestReport(options: options, recorder: total, elapsed: clock.now - start)
    }
}

/// One event loop's share of a load test: its connections, its request numbers, what it saw.
/// Confined to that event loop.
final class LoopShare {
    let eventLoop: any EventLoop
    let test: LoadTest
    let clock: ContinuousClock
    let start: ContinuousClock.Instant
    let end: ContinuousClock.Instant
    var numbers: RequestNumbers
    var lanes: [LoadLane] = []
    /// Open loop: the lanes with no request under way.
    var idle: [LoadLane] = []
    var recorder = LoadRecorder()
    var running = 0
    var ticking = true
    let done: EventLoopPromise<LoadRecorder>
    var sweeper: RepeatedTask?

    private init(
        eventLoop: any EventLoop, index: Int, of count: Int, test: LoadTest, target: LoadLane.Target,
        clock: ContinuousClock, start: ContinuousClock.Instant
    ) {
        self.eventLoop = eventLoop
        self.test = test
        self.clock = clock
        self.start = start
        self.end = start + test.options.duration
        self.done = eventLoop.makePromise()
        // Connections `index`, `index + count`, … of the whole test are this share's, and so are
        // their request numbers: its part of the open loop's schedule is its part of the connections.
        let connections = Array(stride(from: index, to: test.options.concurrency, by: count))
        numbers = RequestNumbers(connections: connections, of: test.options.concurrency)
        lanes = connections.map { _ in LoadLane(eventLoop: eventLoop, target: target) }
        idle = lanes
    }

    /// Starts the share on its event loop; the future gives what it saw once its last request ended.
    static func start(
        on eventLoop: any EventLoop, index: Int, of count: Int, test: LoadTest, target: LoadLane.Target,
        clock: ContinuousClock, start: ContinuousClock.Instant
    ) -> EventLoopFuture<LoadRecorder> {
        eventLoop.flatSubmit {
            let share = LoopShare(eventLoop: eventLoop, index: index, of: count, test: test, target: target, clock: clock, start: start)
            share.begin()
            return share.done.futureResult
        }
    }

    private func begin() {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let sweepEvery = min(HTTPClient.timeAmount(test.options.requestTimeout), .milliseconds(100))
        sweeper = eventLoop.scheduleRepeatedTask(initialDelay: sweepEvery, delay: sweepEvery) { _ in
            let now = NIODeadline.now()
            for lane in bound.value.lanes { lane.expireIfOverdue(now: now) }
        }
        if let rate = test.options.rate {
            eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                bound.value.tick(rate: rate, task: task)
            }
        } else {
            // Each connection sends its first request even when the start itself came late (a stalled
            // machine), so a short test still measures something rather than reporting nothing.
            for lane in lanes { sendClosedLoop(on: lane, evenIfLate: true) }
        }
    }


    /// Closed loop: each answer sends the lane's next request, until the time is up.
    private func sendClosedLoop(on lane: LoadLane, evenIfLate: Bool = false) {
        let sent = clock.now
        guard sent < end || evenIfLate else {
            laneFinished(lane)
            return
        }
        running += 1
        lane.send(test.template.render(numbers.take())) { [self] result in
            running -= 1
            recorder.record(result, micros: (clock.now - sent).inMicroseconds)
            sendClosedLoop(on: lane)
        }
    }

    /// Open loop: starts the requests that fell due since the last tick, each on an idle lane, or
    /// counts them skipped when every lane is busy. Latency counts from the scheduled time.
    private func tick(rate: Double, task: RepeatedTask) {
        let now = clock.now
        let due = Int(min((now - start).inSeconds, test.options.duration.inSeconds) * rate) + 1
        while numbers.next < due {
            let number = numbers.take()
            guard let lane = idle.popLast() else {
                recorder.skipped += 1
                continue
            }
            let scheduled = start + .seconds(Double(number) / rate)
            running += 1
            lane.send(test.template.render(number)) { [self] result in
                running -= 1
                recorder.record(result, micros: (clock.now - scheduled).inMicroseconds)
                idle.append(lane)
                if !ticking { finishIfQuiet() }
            }
        }
        if now >= end {
            task.cancel()
            ticking = false
            finishIfQuiet()
        }
    }

    private func laneFinished(_ lane: LoadLane) {
        lane.close()
        finishIfQuiet()
    }

    private func finishIfQuiet() {
        guard running == 0, !ticking || test.options.rate == nil, lanes.allSatisfy(\.isIdle) else { return }
        sweeper?.cancel()
        sweeper = nil
        for lane in lanes { lane.close() }
        done.succeed(recorder)
    }
}

/// The request numbers of some of a test's connections, in increasing order: connection `j` of
/// `C` sends `j`, `j + C`, `j + 2C`, …
struct RequestNumbers {
    let connections: [Int]
    let total: Int
    private var block = 0
    private var position = 0

    init(connections: [Int], of total: Int) {
        self.connections = connections
        self.total = total
    }

    var next: Int { block * total + connections[position] }

    mutating func take() -> Int {
        defer {
            position += 1
            if position == connections.count {
                position = 0
                block += 1
            }
        }
        return next
    }
}

/// The whole HTTP/1.1 request of a load test, rendered per request number: a fixed head, the
/// `Content-Length` of this body, and the body.
struct RequestTemplate: Sendable {
    let head: [UInt8]
    let body: BodyTemplate

    init(_ options: LoadTestOptions) {
        var text = "\(options.method) \(options.url.target) HTTP/1.1\r\nHost: \(options.url.hostHeader)\r\n"
        if !options.headers.contains(where: { $0.name.equalsIgnoringASCIICase("user-agent") }) { text += "User-Agent: drover-loadtest\r\n" }
        for header in options.headers where !["host", "content-length"].contains(where: header.name.equalsIgnoringASCIICase) {
            text += "\(header.name): \(header.value)\r\n"
        }
        head = Array((text + "Content-Length: ").utf8)
        body = BodyTemplate(options.bodyTemplate)
    }

    func render(_ number: Int) -> ByteBuffer {
        let body = self.body.render(number)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(head.count + body.count + 24)
        buffer.writeBytes(head)
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }
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
