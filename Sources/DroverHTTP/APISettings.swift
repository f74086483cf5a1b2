import DroverAdmission

/// How the HTTP API behaves; `drover serve` fills it from `http.*` and `backpressure.*`.
public struct APISettings: Sendable {
    /// `single`, `multi` or `distributed`, as `queue/status` reports it.
    public var mode: String = "multi"
    /// Largest request body accepted; larger ones get 413. Default: 1 MiB.
    public var bodyLimitBytes: Int = 1_048_576
    /// How long a sync request waits for its result before answering 202. Default: 10000 ms.
    public var syncWaitMs: Int = 10_000
    /// The longest `?timeoutMs=` a client may ask a sync request to wait. Default: 300000 ms.
    public var maxSyncWaitMs: Int = 300_000
    /// Without `?mode=`, a request runs sync while the queue holds fewer jobs than this. Default: 10.
    public var syncQueueThreshold: Int = 10
    /// The bearer token `/api` requests must carry; empty: no authentication.
    public var authToken: String = ""
    /// Sync requests waiting at once; more are answered as async (202). Default: 10000.
    public var maxSyncWaiters: Int = 10_000
    /// Requests being read or answered at once; more get 503. Bounds the memory bodies can take:
    /// at most this many times `bodyLimitBytes`. Default: 1024.
    public var maxInFlightRequests: Int = 1_024
    /// `http.webhooks.allowHosts`: a job's webhook must name one of these hosts; empty: any public host.
    public var webhookAllowHosts: [String] = []
    /// Admission control.
    public var admission = AdmissionSettings()
    /// How often the queue depth is sampled. Default: 1 s.
    public var depthSampleInterval: Duration = .seconds(1)

    public init() {}
}
