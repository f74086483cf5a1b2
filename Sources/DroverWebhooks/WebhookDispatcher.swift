import DroverHTTPClient
import DroverQueue
import Logging

/// Calls each finished job's webhook: on `completed` and on `dead`, it POSTs
/// `JobRecord.webhookBody` to the job's `webhook` URL, retrying with backoff.
///
/// It learns of finished jobs with a webhook from `webhookEvents(of:)`. In distributed mode every supervisor sees every
/// event, so a delivery is first claimed with `claimOnce` (one winner per job and outcome): a
/// webhook is called by one supervisor only. The claim comes before the call, so a supervisor
/// that dies mid-delivery loses that webhook (at most once per outcome, never twice); events
/// published while no dispatcher listened are not replayed either.
public final class WebhookDispatcher: Sendable {
    /// What the dispatcher may call and how hard it tries.
    public struct Settings: Sendable {
        public var policy: WebhookPolicy
        /// Further attempts after the first failed one.
        public var retries: Int
        /// How long one call may take.
        public var timeout: Duration
        public var backoff = WebhookBackoff()
        /// Deliveries under way at once; further events wait their turn.
        public var maxConcurrentDeliveries = 32
        /// This process's name in claims, for the logs of whoever looks at Redis.
        public var owner: String

        public init(policy: WebhookPolicy, retries: Int, timeout: Duration, owner: String) {
            self.policy = policy
            self.retries = max(0, retries)
            self.timeout = timeout
            self.owner = owner
        }
    }

    let queue: any JobQueue
    let settings: Settings
    let client: HTTPClient
    let logger: Logger

    public init(queue: any JobQueue, settings: Settings, logger: Logger) {
        self.queue = queue
        self.settings = settings
        var configuration = HTTPClient.Configuration()
        configuration.requestTimeout = settings.timeout
        configuration.connectTimeout = settings.timeout
        configuration.maxConnectionsPerHost = 4
        configuration.maxIdleConnectionsPerHost = 2
        configuration.userAgent = "drover-webhook"
        self.client = HTTPClient(configuration: configuration)
        self.logger = logger
    }

    /// Delivers webhooks for finished jobs until the task is cancelled or the event stream ends;
    /// `onSubscribed` runs once events are being received.
    ///
    /// The events are `webhookEvents(of:)`: only jobs that carry a webhook, so every event costs a
    /// delivery task, and at most `maxConcurrentDeliveries` run at once.
    public func run(onSubscribed: @Sendable () -> Void = {}) async throws(JobQueueError) {
        let events = try await queue.webhookEvents(of: JobType.allCases)
        onSubscribed()
        let inbox = EventInbox()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { inbox.post(event) }
                inbox.close()
            }
            var running = 0
            var bell = inbox.doorbell.makeAsyncIterator()
            while true {
                let (events, closed) = inbox.takeAll()
                if events.isEmpty {
                    if closed { break }
                    _ = await bell.next()
                    continue
                }
                for event in events {
                    if running >= settings.maxConcurrentDeliveries {
                        await group.next()
                        running -= 1
                    }
                    running += 1
                    group.addTask { _ = await self.deliver(event) }
                }
            }
            // Deliveries under way finish (a cancelled run cancels them with it).
        }
    }

    /// Closes the dispatcher's connections; call once `run` returned for good.
    public func shutdown() async {
        await client.shutdown()
    }

    /// Handles one event: reads the job, claims its delivery, and calls its webhook.
    public func deliver(_ event: JobEvent) async -> WebhookDelivery {
        let outcome = await deliverOnce(event)
        let metadata: Logger.Metadata = ["jobId": "\(event.id)", "status": "\(event.status)"]
        switch outcome {
        case .delivered(let status, let attempts):
            logger.info("webhook delivered", metadata: metadata.merging(["httpStatus": "\(status)", "attempts": "\(attempts)"]) { $1 })
        case .failed(let reason, let attempts):
            logger.warning("webhook failed", metadata: metadata.merging(["reason": "\(reason)", "attempts": "\(attempts)"]) { $1 })
        case .refused(let reason):
            logger.warning("webhook refused", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        case .skipped(let reason):
            logger.trace("webhook skipped", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        }
        return outcome
    }

    private func deliverOnce(_ event: JobEvent) async -> WebhookDelivery {
        guard event.status == .completed || event.status == .dead else { return .skipped(reason: "not a final state") }
        let record: JobRecord
        do {
            guard let found = try await queue.job(event.id) else { return .skipped(reason: "the job is gone") }
            record = found
        } catch {
            return .failed(reason: "cannot read the job: \(error)", attempts: 0)
        }
        guard let webhook = record.webhook, !webhook.isEmpty else { return .skipped(reason: "no webhook") }
        // A dead job retried by hand since the event has a later outcome, with its own event.
        guard record.status == event.status else { return .skipped(reason: "the job is \(record.status) now") }
        let purpose = "webhook:\(record.status.rawValue):\(record.finishedAtMs ?? 0)"
        do {
            guard try await queue.claimOnce(record.id, purpose: purpose, owner: settings.owner) else {
                return .skipped(reason: "claimed by another supervisor")
            }
        } catch {
            return .failed(reason: "cannot claim the delivery: \(error)", attempts: 0)
        }
        return await call(webhook, body: Array(record.webhookBody.serialized().utf8), jobID: record.id)
    }

    /// Calls `webhook` until it answers 2xx, it answers a status retrying cannot fix, or attempts run out.
    func call(_ webhook: String, body: [UInt8], jobID: JobID) async -> WebhookDelivery {
        let url: HTTPURL
        do {
            url = try settings.policy.validate(webhook)
        } catch {
            return .refused(reason: error.message)
        }
        let attempts = settings.retries + 1
        var lastReason = ""
        for attempt in 1...attempts {
            if attempt > 1 {
                let delay = settings.backoff.delayMs(afterAttempt: attempt - 1, unitRandom: Double.random(in: 0..<1))
                do {
                    try await Task.sleep(for: .milliseconds(delay))
                } catch {
                    return .failed(reason: "cancelled while waiting to retry; last: \(lastReason)", attempts: attempt - 1)
                }
            }
            let address: String
            do {
                let resolved = IPAddress(url.host) != nil ? [url.host] : try await HostResolver.resolve(url.host)
                address = try settings.policy.addressToCall(url, resolved: resolved)
            } catch let refusal as WebhookRefusal {
                return .refused(reason: refusal.message)
            } catch {
                lastReason = "\(error)"
                continue
            }
            var request = HTTPRequest(
                method: "POST", url: url,
                headers: [
                    HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Drover-Job-Id", jobID.rawValue),
                    HTTPHeader("X-Drover-Delivery-Attempt", String(attempt)),
                ],
                body: body, timeout: settings.timeout, connectAddress: address)
            request.maxResponseBytes = 65_536
            do {
                let response = try await client.send(request)
                switch response.status {
                case 200..<300:
                    return .delivered(status: response.status, attempts: attempt)
                case 408, 429, 500..<600:
                    lastReason = "the receiver answered \(response.status)"
                default:
                    // Redirects are not followed: they could lead to a host the policy refuses.
                    return .failed(reason: "the receiver answered \(response.status), which retrying cannot fix", attempts: attempt)
                }
            } catch {
                lastReason = error.description
            }
        }
        return .failed(reason: lastReason, attempts: attempts)
    }
}
