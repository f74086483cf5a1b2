import DroverSupervisorCore

/// What the supervisor process needs besides its policy: how to start a worker.
public struct SupervisorSettings: Sendable {
    /// The `drover` executable; workers are the same binary, subcommand `worker`.
    public var executablePath: String
    /// Arguments after `worker` that every worker gets (`--redis URL`, `--config FILE`, …).
    public var workerArguments: [String]
    /// The supervisor's environment; systemd's variables are stripped before a worker sees it.
    public var environment: [String: String]
    /// Workers to start with.
    public var desiredWorkers: Int
    /// How often /proc is read for each worker's RSS and CPU.
    public var sampleInterval: Duration = .seconds(1)
    /// How often the core's clock-driven rules run (hang, memory, drain deadlines).
    public var tickInterval: Duration = .milliseconds(100)
    /// `routing.sticky`: whether `route(userID:)` picks a worker or always answers the shared queues.
    public var stickyRouting = true
    /// Prefix of every worker id and routing key; `drover serve` sets host and pid in distributed mode.
    public var instance = ""
    /// Distributed mode: the registry shared with the other hosts' supervisors; nil routes over
    /// this host's workers alone.
    public var registry: (any HostRegistry)?

    public init(executablePath: String, workerArguments: [String], environment: [String: String], desiredWorkers: Int) {
        self.executablePath = executablePath
        self.workerArguments = workerArguments
        self.environment = environment
        self.desiredWorkers = desiredWorkers
    }
}

/// What the supervisor asks of whoever started it: a fresh policy on SIGHUP.
public protocol SupervisorReloader: Sendable {
    /// Re-reads the configuration; the error's description names the bad key.
    func reload() async throws -> (policy: SupervisorPolicy, desiredWorkers: Int?)
}
