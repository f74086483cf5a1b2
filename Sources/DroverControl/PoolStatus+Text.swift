import DroverJSON

extension PoolStatus {
    /// The snapshot as `drover status` prints it for people: a summary line, then one row per worker.
    public var text: String {
        let ready = workers.filter { WorkerStatus.readyStates.contains($0.state) }.count
        var lines = ["mode \(mode): \(ready) of \(workers.count) workers ready, \(desiredWorkers) desired, queue depth \(queueDepth.map(String.init) ?? "unknown")"]
        if let autoscale {
            var line = "autoscale \(autoscale.enabled ? "on" : "off")"
            if let waiting = autoscale.lastSampledWaiting { line += ", last sample \(waiting) waiting" }
            if let step = autoscale.lastStep {
                line += ", last step " + (autoscale.lastStepAgoMs.map { Self.duration(seconds: Double($0) / 1000) + " ago" } ?? "") + ": " + Self.printable(step)
            }
            lines.append(line)
        }
        if let degradedReason {
            lines.append("DEGRADED: \(Self.printable(degradedReason))")
        }
        guard !workers.isEmpty else {
            lines.append("no workers")
            return lines.joined(separator: "\n")
        }
        let header = ["ID", "PID", "STATE", "ACTIVE", "DONE", "FAILED", "AVG MS", "RSS MB", "CPU %", "UPTIME", "LAST BEAT", "RESTARTS", "BREAKER"]
        let rows = workers.map { worker in
            [
                Self.printable(worker.id), String(worker.pid), Self.printable(worker.state),
                String(worker.activeJobs), String(worker.completedJobs), String(worker.failedJobs),
                Self.fixed(worker.avgLatencyMs), Self.fixed(worker.memoryUsageMB), Self.fixed(worker.cpuPercent),
                Self.duration(seconds: worker.uptimeSeconds),
                worker.lastHeartbeatAgoMs.map { Self.duration(seconds: Double($0) / 1000) + " ago" } ?? "never",
                String(worker.restarts), Self.printable(worker.breaker),
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " {
                line.removeLast()
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Control characters would break the table (or a terminal), so they show as `?`.
    private static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// One decimal place; "-" for no figure. A heartbeat may carry any finite number, which
    /// `DecimalText` writes as it is once an `Int` cannot hold it.
    private static func fixed(_ value: Double) -> String {
        value.isFinite ? DecimalText.fixed(value, 1) : "-"
    }

    private static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else {
            return "-"
        }
        // Over 30 million years: no real uptime, and beyond 9.2e18 `Int(seconds)` would trap.
        guard seconds < 1e15 else {
            return "\(seconds)s"
        }
        let total = Int(seconds)
        if total < 60 {
            return seconds < 10 ? fixed(seconds) + "s" : "\(total)s"
        }
        if total < 3600 {
            return "\(total / 60)m\(total % 60)s"
        }
        return "\(total / 3600)h\(total % 3600 / 60)m"
    }
}
