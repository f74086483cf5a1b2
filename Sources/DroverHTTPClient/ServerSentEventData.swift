/// The `data:` values of a Server-Sent-Events body (`text/event-stream`), one per `data:` line, in
/// order: what OpenAI-compatible streaming endpoints send (`data: {...}` … `data: [DONE]`).
///
/// Other fields (`event:`, `id:`, `retry:`), comments (`:`) and blank lines are skipped. A value
/// loses one leading space, as the SSE format says.
public struct ServerSentEventData: AsyncSequence, Sendable {
    public typealias Element = String
    public typealias Failure = HTTPClientError

    let body: HTTPBodyStream

    public init(_ body: HTTPBodyStream) {
        self.body = body
    }

    public func makeAsyncIterator() -> Iterator { Iterator(base: body.makeAsyncIterator()) }

    /// Reads chunks until a `data:` line is complete.
    public struct Iterator: AsyncIteratorProtocol {
        var base: HTTPBodyStream.Iterator
        var splitter = LineSplitter()
        var ready: [String] = []
        var ended = false

        public mutating func next() async throws(HTTPClientError) -> String? {
            while ready.isEmpty {
                if ended { return nil }
                if let chunk = try await base.next() {
                    ready = try splitter.feed(chunk).compactMap(ServerSentEventData.dataValue)
                } else {
                    ended = true
                    ready = splitter.finish().flatMap(ServerSentEventData.dataValue).map { [$0] } ?? []
                }
            }
            return ready.removeFirst()
        }
    }

    /// The value of a `data` line, or `nil` for any other line.
    public static func dataValue(_ line: [UInt8]) -> String? {
        let field = Array("data".utf8)
        guard line.starts(with: field) else { return nil }
        var rest = line.dropFirst(field.count)
        if rest.isEmpty { return "" }
        guard rest.first == UInt8(ascii: ":") else { return nil }
        rest = rest.dropFirst()
        if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        return String(decoding: rest, as: UTF8.self)
    }
}

extension HTTPStreamingResponse {
    /// The body's Server-Sent-Event `data:` values, one per line.
    public var serverSentEventData: ServerSentEventData { ServerSentEventData(body) }
}
