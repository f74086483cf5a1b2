import DroverHTTPClient

/// Which webhook URLs Drover calls: the guard against server-side request forgery. Pure: it
/// looks at text and addresses it is given and never resolves or connects.
///
/// - With `allowHosts` empty (the default), any host may be called whose every address is
///   globally routable. Refused: loopback, private (RFC 1918, unique-local), shared/CGNAT,
///   link-local, multicast, reserved, documentation and benchmarking ranges, IPv4 carried in IPv6
///   forms that land there, cloud metadata addresses, `localhost` and `*.localhost`, metadata host
///   names, and single-label names (which resolve through search domains to internal hosts).
/// - With `allowHosts` set, only the listed hosts are called, and a listed host may resolve to a
///   private or loopback address (the operator vouched for it). Cloud metadata addresses stay
///   refused unless the metadata address itself is listed: an allowed name that suddenly resolves
///   there (DNS rebinding) is still refused.
///
/// Every address a name resolves to is checked, not just the first, and the caller connects to
/// the address this policy returned, so a second lookup cannot swap in another.
/// Only `http://` webhooks can be called: Drover's HTTP client has no TLS.
public struct WebhookPolicy: Sendable, Hashable {
    /// Host names (lowercased, without a trailing dot) that may be called.
    public let allowHosts: Set<String>

    public static let maxURLLength = 2_048
    static let metadataNames: Set<String> = [
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    ]

    public init(allowHosts: [String] = []) {
        self.allowHosts = Set(allowHosts.map(Self.normalized))
    }

    static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// Checks a webhook URL when a job is submitted: the HTTP API answers `400` with the refusal's
    /// message. Resolves nothing; the addresses are checked at each delivery (`addressToCall`).
    public func validate(_ urlString: String) throws(WebhookRefusal) -> HTTPURL {
        guard urlString.utf8.count <= Self.maxURLLength else {
            throw WebhookRefusal("webhook URL is longer than \(Self.maxURLLength) bytes")
        }
        let url: HTTPURL
        do {
            url = try HTTPURL(parsing: urlString)
        } catch {
            throw WebhookRefusal("webhook: \(error.message)")
        }
        let host = Self.normalized(url.host)
        if !allowHosts.isEmpty {
            guard allowHosts.contains(host) else {
                throw WebhookRefusal("webhook host \(host) is not in http.webhooks.allowHosts")
            }
            return url
        }
        if let address = IPAddress(host) {
            if let range = address.restrictedRange {
                throw WebhookRefusal("webhook host \(host) is in \(range), which is refused unless listed in http.webhooks.allowHosts")
            }
            return url
        }
        if host == "localhost" || host.hasSuffix(".localhost") {
            throw WebhookRefusal("webhook host \(host) is loopback, which is refused unless listed in http.webhooks.allowHosts")
        }
        if Self.metadataNames.contains(host) {
            throw WebhookRefusal("webhook host \(host) is a cloud metadata service, which is refused unless listed in http.webhooks.allowHosts")
        }
        guard host.contains(".") else {
            throw WebhookRefusal("webhook host \(host) is a single-label (internal) name, which is refused unless listed in http.webhooks.allowHosts")
        }
        return url
    }

    /// At delivery: checks every address `url`'s host resolved to and returns the one to connect to.
    public func addressToCall(_ url: HTTPURL, resolved: [String]) throws(WebhookRefusal) -> String {
        _ = try validate(url.description)
        let host = Self.normalized(url.host)
        guard !resolved.isEmpty else { throw WebhookRefusal("webhook host \(host) resolved to no address") }
        var addresses: [IPAddress] = []
        for text in resolved {
            guard let address = IPAddress(text) else { throw WebhookRefusal("webhook host \(host) resolved to \"\(text)\", which is not an address") }
            addresses.append(address)
        }
        let listed = allowHosts.contains(host)
        for address in addresses {
            if listed {
                if address.isCloudMetadata, !allowHosts.contains(Self.normalized(address.description)) {
                    throw WebhookRefusal("webhook host \(host) resolved to the cloud metadata address \(address), which is refused unless that address is listed")
                }
            } else if let range = address.restrictedRange {
                throw WebhookRefusal("webhook host \(host) resolved to \(address), in \(range), which is refused unless the host is listed in http.webhooks.allowHosts")
            }
        }
        return addresses[0].description
    }
}
