/// The reasons restarts are counted under (`restartsByReason`, `drover_worker_restarts_total{reason}`):
/// short, stable labels, one per way a slot comes to need a new worker.
public enum RestartReason {
    /// A slot's worker stopped on its own or was stopped for cause, and the slot gets a new one.
    static func forExit(stop: StopReason?, outcome: WorkerExit.Outcome) -> String {
        if let stop {
            switch stop {
            case .hung: return "hung"
            case .bootTimedOut: return "boot_timeout"
            case .channelBroken: return "channel_broken"
            case .jobOverran: return "job_overran"
            case .memoryHardLimit: return "memory_hard_limit"
            case .drainTimedOut: return "drain_timeout"
            case .shutdownForced: return "shutdown_forced"
            }
        }
        switch outcome {
        case .crashed: return "crashed"
        case .bootFailed: return "boot_failed"
        case .configurationInvalid: return "bad_configuration"  // not counted: the slot halts
        case .drained: return "exited"
        }
    }

    /// A healthy worker is replaced, its successor started first.
    static func forReplacement(_ reason: DrainReason) -> String {
        switch reason {
        case .memory: "memory"
        case .reload: "reload"
        case .operatorRequest: "operator"
        case .scaleDown: "scale_down"
        case .shutdown: "shutdown"
        }
    }
}
