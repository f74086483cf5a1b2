import DroverHTTPClient
import DroverQueue
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

    private func closedLoop(_ client: HTTPClient, start: ContinuousClock.Instant, clock: ContinuousClock) async -> LoadRecorder {
        let end = start + options.duration
        let lanes = options.concurrency
        return await withTaskGroup(of: LoadRecorder.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var recorder = LoadRecorder()
                    var number = lane
                    while clock.now < end {
                        let sent = clock.now
                        do throws(HTTPClientError) {
                            let response = try await client.send(request(number))
                            recorder.record(status: response.status, micros: (clock.now - sent).inMicroseconds)
                        } catch {
                            recorder.record(error)
                        }
                        number += lanes
                    }
                    return recorder
                }
            }
            var total = LoadRecorder()
            for await share in group { total.merge(share) }
            return total
        }
    }

    private func openLoop(_ client: HTTPClient, rate: Double, start: ContinuousClock.Instant, clock: ContinuousClock) async -> LoadRecorder {
        let end = start + options.duration
        let shared = OpenLoopState()
        let limit = options.concurrency
        let totalSeconds = options.duration.inSeconds
        await withDiscardingTaskGroup { group in
            var next = 0
            var skipped = 0
            while true {
                let now = clock.now
                guard now < end else { break }
                // Every request whose time has come starts now, however late the loop woke.
                let due = Int(min((now - start).inSeconds, totalSeconds) * rate) + 1
                while next < due {
                    let scheduled = start + .seconds(Double(next) / rate)
                    let number = next
                    next += 1
                    guard shared.inFlight.load(ordering: .relaxed) < limit else {
                        skipped += 1
                        continue
                    }
                    shared.inFlight.add(1, ordering: .relaxed)
                    group.addTask {
                        let outcome: Result<HTTPResponse, HTTPClientError>
                        do throws(HTTPClientError) {
                            outcome = .success(try await client.send(request(number)))
                        } catch {
                            outcome = .failure(error)
                        }
                        let micros = (clock.now - scheduled).inMicroseconds
                        shared.inFlight.subtract(1, ordering: .relaxed)
                        shared.recorder.withLock { recorder in
                            switch outcome {
                            case .success(let response): recorder.record(status: response.status, micros: micros)
                            case .failure(let error): recorder.record(error)
                            }
                        }
                    }
                }
                let wake = min(start + .seconds(Double(next) / rate), end)
                try? await Task.sleep(until: wake, tolerance: .microseconds(200), clock: clock)
            }
            shared.recorder.withLock { $0.skipped = skipped }
        }
        return shared.recorder.withLock { $0 }
    }
}

/// What the open loop's request tasks share.
final class OpenLoopState: Sendable {
    let recorder = Mutex(LoadRecorder())
    let inFlight = Atomic<Int>(0)
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
