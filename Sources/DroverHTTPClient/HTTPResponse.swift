/// A complete response: status, headers and the whole body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first value of header `name`, matched without regard to case.
    public func header(_ name: String) -> String? { headers.first(named: name) }
}

/// A response whose body arrives as it is read: the way to consume a long or endless stream.
///
/// Read `body` to the end, or drop it: a body dropped before its end closes the connection rather
/// than return a half-read one to the pool.
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: HTTPBodyStream

    /// The first value of header `name`, matched without regard to case.
    public func header(_ name: String) -> String? { headers.first(named: name) }

    /// Reads the rest of the body, refusing more than `limit` bytes.
    public func collect(upTo limit: Int = HTTPRequest.defaultMaxResponseBytes) async throws(HTTPClientError) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = body.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            guard bytes.count + chunk.count <= limit else {
                throw HTTPClientError(.bodyTooLarge, "the response body is larger than \(limit) bytes")
            }
            bytes += chunk
        }
        return bytes
    }
}

extension [HTTPHeader] {
    func first(named name: String) -> String? {
        let lowered = name.lowercased()
        return first { $0.name.lowercased() == lowered }?.value
    }
}
