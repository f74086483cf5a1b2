import DroverControl
import DroverSupervisorCore

extension Supervisor {
    /// The pool as `drover status` shows it.
    public func poolStatus(mode: String) -> PoolStatus {
        let now = now()
        let snapshot = core.snapshot(now: now)
        let failures = Dictionary(snapshot.slots.map { ($0.id, $0.recentFailures) }, uniquingKeysWith: { $1 })
        let breakers = Dictionary(snapshot.slots.map { ($0.id, $0.breaker.name) }, uniquingKeysWith: { $1 })
        let workers = snapshot.workers.map { worker in
            var status = WorkerStatus(
                id: worker.id.rawValue, pid: worker.pid ?? 0, state: worker.state.name,
                activeJobs: worker.stats?.activeJobs ?? 0, completedJobs: worker.stats?.completedJobs ?? 0,
                failedJobs: worker.stats?.failedJobs ?? 0, avgLatencyMs: worker.stats?.avgLatencyMs ?? 0,
                memoryUsageMB: worker.resources.map { Double($0.rssBytes) / 1_048_576 } ?? worker.stats?.memoryUsageMB ?? 0,
                cpuPercent: worker.resources?.cpuPercent ?? worker.stats?.cpuPercent ?? 0,
                uptimeSeconds: Double(now - worker.spawnedAt) / 1000,
                lastHeartbeatAgoMs: Int(now - worker.lastHeartbeatAt),
                restarts: failures[worker.slot] ?? 0)
            status.breaker = breakers[worker.slot] ?? "closed"
            status.cache = cacheCounts[worker.id] ?? CacheCounts()
            return status
        }
        var status = PoolStatus(
            mode: mode, desiredWorkers: snapshot.desiredWorkers, workers: workers,
            degradedReason: snapshot.degradedReasons.isEmpty ? nil : snapshot.degradedReasons.joined(separator: "; "))
        status.readyWorkers = snapshot.readyWorkers
        status.restartsByReason = snapshot.restartsByReason
        let scaler = snapshot.autoscaler
        status.autoscale = AutoscaleStatus(
            enabled: scaler.policy.enabled, lastSampledWaiting: scaler.lastSample?.waiting,
            lastStep: scaler.lastStep.map(Self.describe), lastStepAgoMs: scaler.lastStepAt.map { Int(now - $0) })
        return status
    }

    static func describe(_ step: AutoscaleDecision) -> String {
        switch step {
        case .scaleUp(let count, let reason): "up to \(count) workers: \(reason)"
        case .scaleDown(let count, let reason): "down to \(count) workers: \(reason)"
        case .hold(let reason), .blocked(let reason): "held: \(reason)"
        }
    }
}
