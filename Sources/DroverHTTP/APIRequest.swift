/// One HTTP request as the API sees it: no framework types, so the routing can be tested directly.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query string, e.g. `/api/rag/job/ask-…`.
    public var path: String
    /// Query parameters; the first value wins when a name repeats.
    public var query: [String: String]
    /// The `Authorization` header, if any.
    public var authorization: String?
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], authorization: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.authorization = authorization
        self.body = body
    }

    /// Splits `/path?a=1&b=2` into the path and its (percent-decoded) parameters.
    public static func split(target: String) -> (path: String, query: [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(parts[0])
            if query[name] == nil { query[name] = parts.count > 1 ? percentDecoded(parts[1]) : "" }
        }
        return (String(target[..<mark]), query)
    }

    /// Decodes `%XX`; `+` is a space in a query, itself in a path segment (`plusIsSpace: false`).
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool = true) -> String {
        guard text.contains(where: { $0 == "%" || $0 == "+" }) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
