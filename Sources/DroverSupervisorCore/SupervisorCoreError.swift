/// Why the core refused a request (an admin command or a reloaded policy); nothing changed.
public struct SupervisorCoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of refusal; callers switch on this, the message is for people.
    public enum Code: String, Hashable, Sendable {
        /// A worker count outside `minWorkers…maxWorkers`.
        case outOfRange
        /// No live worker or slot by that id.
        case unknownWorker
        /// The request does not fit what the worker or the pool is doing now.
        case wrongState
        /// A policy number the decisions cannot work with.
        case invalidPolicy
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
