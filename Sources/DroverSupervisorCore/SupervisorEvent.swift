/// Something that happened, fed to `SupervisorCore.handle(_:now:)`.
public enum SupervisorEvent: Hashable, Sendable {
    /// The supervisor is up; start this many workers (kept within min…max).
    case started(desiredWorkers: Int)
    /// A `.spawn` action succeeded.
    case spawned(WorkerID, pid: Int32)
    /// A `.spawn` action failed before a process existed (e.g. the executable is missing).
    case spawnFailed(WorkerID, reason: String)
    /// The worker connected to its control channel.
    case hello(WorkerID)
    /// The worker is ready to take jobs.
    case ready(WorkerID)
    case heartbeat(WorkerID, HeartbeatStats)
    /// The supervisor's own /proc reading for a worker.
    case resources(WorkerID, ResourceSample)
    /// A child process ended. By pid, because that is what the process side sees.
    case exited(pid: Int32, WorkerExit)
    /// The control channel delivered a bad frame or closed early; the worker is treated as hung.
    case channelBroken(WorkerID, reason: String)
    case signal(SupervisorSignal)
    /// The configuration reload asked for by `.reloadConfiguration` succeeded.
    /// `desiredWorkers` nil keeps the current count (within the new bounds).
    case reloaded(SupervisorPolicy, desiredWorkers: Int?)
    /// The process side sampled the jobs waiting in the pool's queues (the autoscaler's input).
    case queueSampled(waiting: Int)
    /// The configuration reload failed; the old configuration stays.
    case reloadFailed(reason: String)
}
