import DroverConfig
import DroverRedis
import DroverRedisQueue
import DroverWebhooks
import Glibc
import Logging

extension ServeCommand {
    /// Runs the webhook dispatcher beside the supervisor, on a queue client of its own so that its
    /// reads never queue behind the supervisor's; a lost Redis subscription is opened again.
    static func startWebhooks(url: RedisURL, settings: DroverConfiguration, options: RedisOptions, logger: Logger) -> Task<Void, Never> {
        let webhooks = settings.http.webhooks
        var hostname = [CChar](repeating: 0, count: 256)
        gethostname(&hostname, hostname.count - 1)
        let host = String(decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let dispatcherSettings = WebhookDispatcher.Settings(
            policy: WebhookPolicy(allowHosts: webhooks.allowHosts), retries: webhooks.retries,
            timeout: .milliseconds(webhooks.timeoutMs), owner: "\(host):\(getpid())")
        return Task {
            let queue = RedisJobQueue(url: url, policy: settings.queuePolicy, options: options)
            let dispatcher = WebhookDispatcher(queue: queue, settings: dispatcherSettings, logger: logger)
            while !Task.isCancelled {
                do {
                    try await dispatcher.run()
                } catch {
                    logger.warning("webhook dispatcher lost its event stream; reopening", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
            await dispatcher.shutdown()
            await queue.close()
        }
    }
}
