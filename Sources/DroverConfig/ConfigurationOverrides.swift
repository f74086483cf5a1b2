/// Values from command-line flags; they beat the file and the environment.
///
/// The typed fields are the flags `drover serve` has; `values` takes any other key by its dotted
/// path (`supervisor.maxWorkers`) with the value as it would be written in the environment
/// (lists comma-separated). A typed field wins over the same key in `values`.
public struct ConfigurationOverrides: Sendable, Hashable {
    /// `--mode`: `single`, `multi` or `distributed`.
    public var mode: String?
    /// `--redis`: sets `redis.url`.
    public var redisURL: String?
    /// `--workers`: `auto` or a number; sets `supervisor.workers`.
    public var workers: String?
    /// `--listen`: `HOST:PORT`; sets `http.listen`.
    public var listen: String?
    /// `--concurrency`: sets `supervisor.concurrency`.
    public var concurrency: Int?
    /// Any key by dotted path → its value as text.
    public var values: [String: String]

    public init(
        mode: String? = nil,
        redisURL: String? = nil,
        workers: String? = nil,
        listen: String? = nil,
        concurrency: Int? = nil,
        values: [String: String] = [:]
    ) {
        self.mode = mode
        self.redisURL = redisURL
        self.workers = workers
        self.listen = listen
        self.concurrency = concurrency
        self.values = values
    }

    /// No overrides.
    public static let none = ConfigurationOverrides()

    /// Every override as key path → text, typed fields applied over `values`.
    var keyedValues: [String: String] {
        var result = values
        if let mode { result["mode"] = mode }
        if let redisURL { result["redis.url"] = redisURL }
        if let workers { result["supervisor.workers"] = workers }
        if let listen { result["http.listen"] = listen }
        if let concurrency { result["supervisor.concurrency"] = String(concurrency) }
        return result
    }
}
