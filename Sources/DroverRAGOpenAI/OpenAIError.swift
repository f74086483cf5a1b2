import DroverRAG

/// Why a call to an OpenAI-compatible endpoint failed, and whether trying again could help.
public struct OpenAIError: RAGServiceError, Sendable, Hashable {
    public let message: String
    /// A 5xx, a 429 or a connection fault: the same request may succeed later.
    public let retryable: Bool

    public init(_ message: String, retryable: Bool) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }

    /// The same error with what was being done put in front: `embedding with model x: …`.
    func doing(_ what: String) -> OpenAIError {
        OpenAIError("\(what): \(message)", retryable: retryable)
    }
}
