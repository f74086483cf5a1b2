/// The HTTP API: where it listens, what it accepts, and how it calls webhooks.
public struct HTTPConfiguration: Sendable, Hashable {
    /// `HOST:PORT` to listen on; `[::1]:8080` for IPv6, port 0 for any free port. Default: `127.0.0.1:8080`.
    public var listen: String = "127.0.0.1:8080"
    /// Largest request body accepted; larger ones get 413. Default: 1 MiB.
    public var bodyLimitBytes: Int = 1_048_576
    /// How long a sync request waits for its result before answering 202. Default: 10000 ms.
    public var syncWaitMs: Int = 10_000
    /// Without `?mode=`, a request runs sync while its queue holds fewer jobs than this. Default: 10.
    public var syncQueueThreshold: Int = 10
    /// Bearer-token authentication.
    public var auth = Auth()
    /// Outgoing webhook calls.
    public var webhooks = Webhooks()

    public init() {}

    /// Bearer-token authentication for the API.
    public struct Auth: Sendable, Hashable {
        /// The token clients send as `Authorization: Bearer …`. Default: empty, which means no authentication.
        public var token: String = ""

        public init() {}
    }

    /// How job webhooks are called.
    public struct Webhooks: Sendable, Hashable {
        /// Host names webhooks may call (exact match, no scheme or port); a listed host may resolve to a
        /// private or loopback address. Default: empty, which allows any host whose every address is
        /// public (no loopback, private, link-local or metadata address; see `WebhookPolicy`).
        public var allowHosts: [String] = []
        /// How long one webhook call may take. Default: 5000 ms.
        public var timeoutMs: Int = 5_000
        /// Further attempts after a failed call. Default: 3.
        public var retries: Int = 3

        public init() {}
    }

    /// The host part of `listen`, without IPv6 brackets.
    public var listenHost: String { HTTPConfiguration.splitListen(listen)?.host ?? "" }

    /// The port part of `listen`.
    public var listenPort: Int { HTTPConfiguration.splitListen(listen)?.port ?? 0 }

    /// Splits `HOST:PORT` (or `[V6]:PORT`); `nil` when it is not that shape or the port is out of range.
    static func splitListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = Substring(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            // A bare IPv6 address is ambiguous with the port separator; it must be bracketed.
            return nil
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        return (String(host), port)
    }
}
