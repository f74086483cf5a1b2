/// How Drover runs: one process, a supervisor with workers on one host, or several hosts on one Redis.
public enum ProcessingMode: String, Sendable, Hashable, CaseIterable {
    /// One process, no Redis: jobs run in-process through the in-memory queue.
    case single
    /// A supervisor and its workers on one host, with Redis (embedded when `redis.url` is empty).
    case multi
    /// Several hosts, each running `drover serve`, sharing one external Redis.
    case distributed
}
