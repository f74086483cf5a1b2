import NIOHTTP1

/// A complete response: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Kept as NIO read them: converting them costs allocations that most callers never need.
    let fields: HTTPHeaders

    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.init(status: status, fields: HTTPHeaders(headers.map { ($0.name, $0.value) }), body: body)
    }

    init(status: Int, fields: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    /// Every header line, in order.
    public var headers: [HTTPHeader] { fields.map { HTTPHeader($0.name, $0.value) } }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first value of header `name`, matched without regard to case.
    public func header(_ name: String) -> String? { fields.first(name: name) }

    /// Every value of header `name`, in order, matched without regard to case.
    public func headerValues(_ name: String) -> [String] { fields[name] }
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
