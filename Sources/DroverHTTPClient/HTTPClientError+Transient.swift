extension HTTPClientError {
    /// Whether the same request could succeed if sent again later: the connection, not the
    /// request, was at fault (a refused or dropped connection, a timeout, a name that did not resolve).
    public var isTransient: Bool {
        switch code {
        case .resolutionFailed, .connectionRefused, .connectFailed, .connectTimeout, .requestTimeout, .connectionClosed: true
        case .invalidURL, .unsupportedScheme, .malformedResponse, .bodyTooLarge, .shutDown: false
        }
    }
}
