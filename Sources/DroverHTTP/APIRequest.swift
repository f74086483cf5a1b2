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
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, [:]) }
        return (String(target[..<mark]), parameters(target.utf8[target.utf8.index(after: mark)...]))
    }

    /// The (percent-decoded) parameters of a query string without its `?`: `a=1&b=2`.
    ///
    /// Works on UTF-8 bytes, not `Character`s: every delimiter is ASCII, and this runs for every request.
    public static func parameters<Bytes: Collection<UInt8>>(_ query: Bytes) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = percentDecoded(pair[..<(equals ?? pair.endIndex)])
            if parameters[name] == nil {
                parameters[name] = equals.map { percentDecoded(pair[pair.index(after: $0)...]) } ?? ""
            }
        }
        return parameters
    }

    /// Decodes `%XX`; `+` is a space in a query, itself in a path segment (`plusIsSpace: false`).
    static func percentDecoded<Bytes: Collection<UInt8>>(_ text: Bytes, plusIsSpace: Bool = true) -> String {
        guard text.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: text, as: UTF8.self)
        }
        let input = Array(text)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let byte = input[i]
            if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), i + 2 < input.count,
                let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
                bytes.append(high << 4 | low)
                i += 2
            } else {
                // A `%` without two hex digits after it stands for itself, and so do the bytes after it.
                bytes.append(byte)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
