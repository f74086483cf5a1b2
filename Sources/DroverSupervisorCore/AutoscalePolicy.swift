/// The autoscaler's numbers, filled from the `autoscale` configuration.
public struct AutoscalePolicy: Hashable, Sendable {
    /// Off by default in the core, so a pool without the configuration keeps its size.
    public var enabled = false
    /// Waiting jobs per ready worker above which the pool grows. Default: 20.
    public var scaleUpDepthPerWorker = 20
    /// How many samples in a row must be over the threshold before growing. Default: 2.
    public var samplesBeforeScaleUp = 2
    /// How long the pool must have a worker to spare before one is drained. Default: 60 s.
    public var idleBeforeScaleDownMs: Int64 = 60_000
    /// The least time between two scaling steps, either way. Default: 30 s.
    public var cooldownMs: Int64 = 30_000
    /// How often the process side samples the queue depth. Default: 1 s.
    public var sampleIntervalMs: Int64 = 1_000

    public init() {}

    /// Refuses numbers the policy cannot work with, naming the field.
    func validate() throws(SupervisorCoreError) {
        let rules = PolicyRules(prefix: "autoscale.")
        try rules.require(scaleUpDepthPerWorker >= 1, "scaleUpDepthPerWorker", "must be at least 1", scaleUpDepthPerWorker)
        try rules.require(samplesBeforeScaleUp >= 1, "samplesBeforeScaleUp", "must be at least 1", samplesBeforeScaleUp)
        try rules.require(idleBeforeScaleDownMs >= 0, "idleBeforeScaleDownMs", "must not be negative", idleBeforeScaleDownMs)
        try rules.require(cooldownMs >= 0, "cooldownMs", "must not be negative", cooldownMs)
        try rules.require(sampleIntervalMs > 0, "sampleIntervalMs", "must be positive", sampleIntervalMs)
    }
}
