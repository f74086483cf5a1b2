import Glibc

extension SupervisorConfiguration {
    /// CPUs online now; at least 1, so `auto` never resolves to zero workers.
    public static func onlineProcessorCount() -> Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// The upper bound: `maxWorkers`, or two per CPU for `auto`; never below `minWorkers`.
    public func resolvedMaxWorkers(onlineProcessors cores: Int) -> Int {
        max(minWorkers, maxWorkers.fixedValue ?? 2 * max(1, cores))
    }

    /// Workers to start with: `workers`, or one per CPU for `auto`, kept within `minWorkers…maxWorkers`.
    ///
    /// Validation already refuses a fixed count outside the bounds; the clamp matters for `auto`
    /// on a host with more CPUs than a fixed `maxWorkers`.
    public func resolvedWorkers(onlineProcessors cores: Int) -> Int {
        let wanted = workers.fixedValue ?? max(1, cores)
        return min(max(wanted, minWorkers), resolvedMaxWorkers(onlineProcessors: cores))
    }
}
