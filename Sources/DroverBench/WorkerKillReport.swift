import DroverQueue
import DroverRedisQueue

/// What `drover bench queue --kill-one-after-ms` saw: one worker kill -9'd mid-drain, its leases
/// put back, and each survivor's completion rate just before and just after.
///
/// The two windows have the same length: the one before ends at the kill, the one after starts
/// `settleMicros` after it (the requeue and the survivors picking up the returned jobs). Each is at
/// most `maximumWindowMicros`, and shorter when the run does not allow that much: the window before
/// starts no earlier than the moment every worker held a lease (no boot skew inside it), and the
/// window after ends no later than the last job's start (no queue-ran-dry tail inside it).
public struct WorkerKillReport: Sendable {
    /// One surviving worker's completions per second in each window.
    public struct SurvivorRates: Sendable, Hashable {
        public var workerID: String
        public var before: Double
        public var after: Double
    }

    public static let settleMicros: Int64 = 100_000
    public static let maximumWindowMicros: Int64 = 1_000_000
    /// Below this the windows would hold too few completions to compare.
    public static let minimumWindowMicros: Int64 = 100_000

    public var victim: String
    /// From the moment every worker held a lease to the kill, by Redis's clock.
    public var killedAfterMicros: Int64
    /// Leases the requeue put back: the victim's jobs in flight.
    public var requeued: Int
    /// Enqueued jobs that did not end completed.
    public var lost = 0
    /// The length of each window; 0 when the run left less than `minimumWindowMicros` on a side.
    public var windowMicros: Int64 = 0
    public var survivors: [SurvivorRates] = []
    /// The killed worker's rate in the window before.
    public var victimBefore = 0.0

    public init(victim: String, killedAfterMicros: Int64, requeued: Int) {
        self.victim = victim
        self.killedAfterMicros = killedAfterMicros
        self.requeued = requeued
    }

    public var survivorsBefore: Double { survivors.reduce(0) { $0 + $1.before } }
    public var survivorsAfter: Double { survivors.reduce(0) { $0 + $1.after } }

    /// Fills in the windows and rates from the jobs' records. Pure: every time is an input.
    ///
    /// - Parameters:
    ///   - poolRunningMicros: when every worker was seen holding a lease (Redis clock).
    ///   - killMicros: when the kill was sent (Redis clock).
    mutating func measure(_ timings: [JobTimings?], workers: [String], poolRunningMicros: Int64, killMicros: Int64) {
        var lastStart = Int64.min
        for case let timing? in timings {
            if let started = timing.startedMicros { lastStart = max(lastStart, started) }
            if timing.status != .completed { lost += 1 }
        }
        lost += timings.count(where: { $0 == nil })
        let afterStart = killMicros + Self.settleMicros
        let window = min(Self.maximumWindowMicros, killMicros - poolRunningMicros, lastStart - afterStart)
        survivors = workers.filter { $0 != victim }.map { SurvivorRates(workerID: $0, before: 0, after: 0) }
        guard window >= Self.minimumWindowMicros else { windowMicros = 0; return }
        windowMicros = window
        let before = (killMicros - window)..<killMicros
        let after = afterStart..<(afterStart + window)
        var beforeCounts: [String: Int] = [:]
        var afterCounts: [String: Int] = [:]
        for case let timing? in timings where timing.status == .completed {
            guard let finished = timing.finishedMicros, let worker = timing.workerID else { continue }
            if before.contains(finished) { beforeCounts[worker, default: 0] += 1 }
            if after.contains(finished) { afterCounts[worker, default: 0] += 1 }
        }
        let seconds = Double(window) / 1e6
        for index in survivors.indices {
            let worker = survivors[index].workerID
            survivors[index].before = Double(beforeCounts[worker] ?? 0) / seconds
            survivors[index].after = Double(afterCounts[worker] ?? 0) / seconds
        }
        victimBefore = Double(beforeCounts[victim] ?? 0) / seconds
    }

    var json: JSONValue {
        .object([
            "victim": .string(victim),
            "killedAfterMs": .double(Double(killedAfterMicros) / 1000),
            "requeued": .int(requeued),
            "lost": .int(lost),
            "windowSeconds": .double(Double(windowMicros) / 1e6),
            "afterWindowStartsMsAfterKill": .double(Double(Self.settleMicros) / 1000),
            "victimBeforeJobsPerSecond": .double(victimBefore.rounded()),
            "survivors": .array(survivors.map {
                .object([
                    "worker": .string($0.workerID),
                    "beforeJobsPerSecond": .double($0.before.rounded()),
                    "afterJobsPerSecond": .double($0.after.rounded()),
                ])
            }),
        ])
    }

    var lines: [String] {
        func rate(_ value: Double) -> String { "\(Int(value.rounded())) jobs/s" }
        func change(_ before: Double, _ after: Double) -> String {
            before > 0 ? " (" + (after >= before ? "+" : "") + DecimalText.fixed((after / before - 1) * 100, 1) + " %)" : ""
        }
        var lines = [
            "kill -9 \(victim) \(DecimalText.fixed(Double(killedAfterMicros) / 1000, 0)) ms after every worker held a lease;"
                + " \(requeued) leases requeued at once; lost jobs: \(lost)",
        ]
        guard windowMicros > 0 else {
            lines.append("NO WINDOWS: the run left under \(Self.minimumWindowMicros / 1000) ms before or after the kill; raise --jobs or move --kill-one-after-ms")
            return lines
        }
        let window = DecimalText.fixed(Double(windowMicros) / 1e6, 3)
        lines.append("completions per worker: \(window) s before the kill vs \(window) s from \(Self.settleMicros / 1000) ms after it")
        for survivor in survivors {
            lines.append("  \(survivor.workerID): \(rate(survivor.before)) before, \(rate(survivor.after)) after" + change(survivor.before, survivor.after))
        }
        lines.append("  survivors together: \(rate(survivorsBefore)) before, \(rate(survivorsAfter)) after" + change(survivorsBefore, survivorsAfter))
        lines.append("  \(victim) (killed): \(rate(victimBefore)) before")
        if lost > 0 { lines.append("LOST: \(lost) jobs did not end completed") }
        return lines
    }
}
