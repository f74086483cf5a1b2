import DroverConfig
import DroverSupervisorCore

extension SupervisorPolicy {
    /// The supervisor's numbers, from the `supervisor` section of the configuration.
    init(_ configuration: DroverConfiguration, cores: Int) {
        self.init()
        let supervisor = configuration.supervisor
        minWorkers = supervisor.minWorkers
        maxWorkers = supervisor.resolvedMaxWorkers(onlineProcessors: cores)
        spareWorkers = supervisor.spareWorkers
        concurrency = supervisor.concurrency
        heartbeatIntervalMs = Int64(supervisor.heartbeatIntervalMs)
        hangTimeoutMs = Int64(supervisor.hangTimeoutMs)
        maxMemoryBytes = Int64(supervisor.maxMemoryMB) * 1_048_576
        hardMemoryFactor = supervisor.hardMemoryFactor
        drainTimeoutMs = Int64(supervisor.drainTimeoutS) * 1000
        autoscale.enabled = configuration.autoscale.enabled
        autoscale.scaleUpDepthPerWorker = configuration.autoscale.scaleUpDepthPerWorker
        autoscale.idleBeforeScaleDownMs = Int64(configuration.autoscale.idleBeforeScaleDownS) * 1000
        autoscale.cooldownMs = Int64(configuration.autoscale.cooldownS) * 1000
        autoscale.sampleIntervalMs = Int64(configuration.autoscale.sampleIntervalMs)
        breaker.failures = configuration.routing.breaker.failures
        breaker.windowMs = Int64(configuration.routing.breaker.windowS) * 1000
        breaker.openMs = Int64(configuration.routing.breaker.openS) * 1000
        restart = RestartPolicy(
            intensity: supervisor.restart.intensity, periodMs: Int64(supervisor.restart.periodS) * 1000,
            backoffBaseMs: Int64(supervisor.restart.backoffBaseMs), backoffMaxMs: Int64(supervisor.restart.backoffMaxMs))
    }
}
