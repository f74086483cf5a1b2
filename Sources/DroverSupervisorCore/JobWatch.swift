/// A running job's deadline placed on the supervisor's clock, and whether it was cancelled yet.
struct JobWatch: Hashable, Sendable {
    let jobID: String
    let deadline: Instant
    var cancelSent = false
}
