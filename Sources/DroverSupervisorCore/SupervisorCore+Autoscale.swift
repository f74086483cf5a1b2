// The autoscaler's samples, turned into scaling steps.
extension SupervisorCore {
    mutating func autoscale(waiting: Int, now: Instant) {
        guard policy.autoscale.enabled, case .running = phase else { return }
        // A rollout replaces workers one by one; resizing under it would fight the replacement.
        guard reload == nil else { return }
        let active = slots.filter { !$0.retiring }
        let sample = AutoscaleSample(
            waiting: waiting, readyWorkers: active.filter { slotHasReadyWorker($0.id) }.count,
            desiredWorkers: active.count, runningJobs: runningJobs)
        let decision = autoscaler.observe(
            sample, concurrency: policy.concurrency, bounds: policy.minWorkers...policy.maxWorkers, now: now)
        switch decision {
        case .hold:
            break
        case .blocked(let reason):
            log(.debug, "autoscale: holding: \(reason)")
        case .scaleUp(let count, let reason):
            log(.notice, "autoscale: up to \(count) workers: \(reason)", ["drover.desired": "\(count)"])
            resize(to: count, now: now)
        case .scaleDown(let count, let reason):
            log(.notice, "autoscale: down to \(count) workers by drain: \(reason)", ["drover.desired": "\(count)"])
            resize(to: count, now: now)
        }
    }
}
