/// Why a webhook URL may not be called; the message is safe to show to the client that sent it.
public struct WebhookRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
