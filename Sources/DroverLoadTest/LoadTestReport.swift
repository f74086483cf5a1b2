import DroverHTTPClient
import DroverJSON
import DroverQueue

/// What a load test measured: latency percentiles of answered requests, throughput, answers by
/// status and failures by kind.
public struct LoadTestReport: Sendable {
    public let url: String
    public let mode: String
    public let concurrency: Int
    public let rate: Double?
    public let elapsedSeconds: Double
    public let answered: Int
    public let byStatus: [Int: Int]
    public let errors: [String: Int]
    public let errorSamples: [String: String]
    public let skipped: Int
    /// Microseconds.
    public let p50: UInt64, p95: UInt64, p99: UInt64, max: UInt64

    init(options: LoadTestOptions, recorder: LoadRecorder, elapsed: Duration) {
        url = options.url.description
        mode = options.rate == nil ? "closed" : "open"
        concurrency = options.concurrency
        rate = options.rate
        elapsedSeconds = elapsed.inSeconds
        byStatus = recorder.byStatus
        answered = recorder.byStatus.values.reduce(0, +)
        errors = Dictionary(uniqueKeysWithValues: recorder.errors.map { ($0.key.rawValue, $0.value) })
        errorSamples = Dictionary(uniqueKeysWithValues: recorder.errorSamples.map { ($0.key.rawValue, $0.value) })
        skipped = recorder.skipped
        let latency = recorder.latency
        p50 = answered > 0 ? latency.valueAtPercentile(50) : 0
        p95 = answered > 0 ? latency.valueAtPercentile(95) : 0
        p99 = answered > 0 ? latency.valueAtPercentile(99) : 0
        max = answered > 0 ? latency.max : 0
    }

    public var errorCount: Int { errors.values.reduce(0, +) }
    public var throughput: Double { elapsedSeconds > 0 ? Double(answered) / elapsedSeconds : 0 }

    /// Answers in the classes an operator reads first: 202 and 503 apart from the other 2xx and 5xx.
    public var statusClasses: [(name: String, count: Int)] {
        var classes: [String: Int] = [:]
        for (status, count) in byStatus {
            let name = switch status {
            case 202: "202"
            case 503: "503"
            case 200..<300: "2xx"
            case 400..<500: "4xx"
            case 500..<600: "5xx"
            default: "other"
            }
            classes[name, default: 0] += count
        }
        return ["2xx", "202", "4xx", "503", "5xx", "other"].compactMap { name in classes[name].map { (name, $0) } }
    }

    public var text: String {
        func ms(_ micros: UInt64) -> String { DecimalText.fixed(Double(micros) / 1000, 3) + " ms" }
        let scheduled = rate.map { ", " + DecimalText.fixed($0, 0) + " req/s scheduled" } ?? ""
        let load = "load:       \(mode) loop, \(concurrency) connections\(scheduled), \(DecimalText.fixed(elapsedSeconds, 2)) s"
        let statuses = statusClasses.isEmpty ? "none" : statusClasses.map { "\($0.name) \($0.count)" }.joined(separator: "  ")
        var lines: [String] = [
            "target:     \(url)",
            load,
            "answered:   \(answered)  (\(DecimalText.fixed(throughput, 0)) req/s)",
            "latency:    p50 \(ms(p50))  p95 \(ms(p95))  p99 \(ms(p99))  max \(ms(max))",
            "status:     " + statuses,
            "errors:     \(errorCount)",
        ]
        for (code, count) in errors.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(code) \(count): \(errorSamples[code] ?? "")")
        }
        if rate != nil { lines.append("skipped:    \(skipped) (every connection busy at their scheduled time)") }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "url": .string(url), "mode": .string(mode), "concurrency": .int(concurrency),
            "elapsedSeconds": .double(elapsedSeconds), "answered": .int(answered), "throughput": .double(throughput),
            "latencyMicros": .object(["p50": .int(Int(p50)), "p95": .int(Int(p95)), "p99": .int(Int(p99)), "max": .int(Int(max))]),
            "status": .object(Dictionary(uniqueKeysWithValues: byStatus.map { (String($0.key), .int($0.value)) })),
            "statusClasses": .object(Dictionary(uniqueKeysWithValues: statusClasses.map { ($0.name, .int($0.count)) })),
            "errors": .object(errors.mapValues { .int($0) }),
            "errorSamples": .object(errorSamples.mapValues { .string($0) }),
        ]
        if let rate {
            object["rate"] = .double(rate)
            object["skipped"] = .int(skipped)
        }
        return .object(object)
    }
}
