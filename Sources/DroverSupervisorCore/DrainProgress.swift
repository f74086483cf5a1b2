/// What a shutdown drain looked like when systemd was last told it is making progress.
struct DrainProgress: Hashable, Sendable {
    var liveWorkers: Int
    var activeJobs: Int
    var completedJobs: Int
}
