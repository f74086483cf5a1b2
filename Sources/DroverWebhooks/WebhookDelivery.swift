/// How one job's webhook went.
public enum WebhookDelivery: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered(status: Int, attempts: Int)
    /// Every attempt failed, or the receiver answered a status that retrying cannot fix.
    case failed(reason: String, attempts: Int)
    /// The policy refused the URL or its addresses; nothing was sent.
    case refused(reason: String)
    /// Nothing to do here: no webhook, not a final state, or another supervisor claimed it.
    case skipped(reason: String)
}
