import DroverQueue
import DroverSupervisorCore

extension Supervisor {
    /// Samples the waiting jobs for the autoscaler beside the loop, at most one sample in flight;
    /// the count comes back as an event, so the decision is made in the loop's order.
    func sampleQueueDepthIfDue() {
        let policy = core.policy.autoscale
        guard policy.enabled, depthSampling == nil else { return }
        let interval = Duration.milliseconds(policy.sampleIntervalMs)
        guard ContinuousClock.now - lastDepthSample >= interval - settings.tickInterval / 2 else { return }
        lastDepthSample = ContinuousClock.now
        depthSampling = Task { [queue, post, logger] in
            do {
                let waiting = try await queue.waitingCount(in: JobType.allCases)
                post.yield(.event(.queueSampled(waiting: waiting)))
            } catch {
                // No sample, no step: the pool keeps its size while Redis is away.
                logger.debug("autoscale: queue depth not sampled", metadata: ["error": "\(error)"])
            }
            self.depthSampled()
        }
    }

    func depthSampled() {
        depthSampling = nil
    }
}
