import Dispatch
import Glibc

/// One HTTP answer as a test sees it.
public struct LoopbackHTTPResponse: Sendable {
    public let status: Int
    /// Header names in lower case.
    public let headers: [String: String]
    public let body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal blocking HTTP/1.1 client for tests: one request per connection to 127.0.0.1,
/// `Content-Length` bodies, read to the end. Not a general client: it exists so tests can talk to
/// a real server over a real socket without another HTTP stack.
public enum LoopbackHTTPClient {
    /// Sends one request and reads the whole answer; runs the blocking I/O off the caller's task.
    public static func send(
        _ method: String, port: Int, _ target: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> LoopbackHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try sendBlocking(method, port: port, target, headers: headers, body: body, timeout: timeout) })
            }
        }
    }

    /// `send` with a text body.
    public static func send(
        _ method: String, port: Int, _ target: String, headers: [String: String] = [:], text: String, timeout: Duration = .seconds(60)
    ) async throws -> LoopbackHTTPResponse {
        try await send(method, port: port, target, headers: headers, body: Array(text.utf8), timeout: timeout)
    }

    /// The blocking request itself.
    public static func sendBlocking(
        _ method: String, port: Int, _ target: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> LoopbackHTTPResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackHTTPError("socket: errno \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LoopbackHTTPError("connect to 127.0.0.1:\(port): errno \(errno)") }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var outgoing = Array(head.utf8)
        if let body { outgoing += body }
        // A server may answer (413) and close before it read everything: a failed write is not
        // the end, the answer may still be there to read.
        var sent = 0
        while sent < outgoing.count {
            let n = outgoing[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var incoming: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                incoming += chunk[0..<n]
                if let complete = try? parse(incoming), complete != nil { break }
                continue
            }
            if n == 0 || errno == ECONNRESET { break }
            if errno == EINTR { continue }
            throw LoopbackHTTPError("reading the answer from 127.0.0.1:\(port): errno \(errno)")
        }
        guard let response = try parse(incoming) else {
            throw LoopbackHTTPError("incomplete answer from 127.0.0.1:\(port) (\(incoming.count) bytes)")
        }
        return response
    }

    /// A complete answer, or `nil` while bytes are missing.
    static func parse(_ bytes: [UInt8]) throws -> LoopbackHTTPResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) }) else { return nil }
        let headText = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw LoopbackHTTPError("bad status line: \(headText.prefix(80))") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " ")
        }
        let body = Array(bytes[(end + 4)...])
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else { return nil }
            return LoopbackHTTPResponse(status: status, headers: headers, body: Array(body.prefix(length)))
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            guard let decoded = dechunk(body) else { return nil }
            return LoopbackHTTPResponse(status: status, headers: headers, body: decoded)
        }
        return nil
    }

    /// Decodes a chunked body; `nil` until the last chunk arrived.
    static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = bytes[index...].indices.dropLast().first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { return nil }
            guard let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            index = lineEnd + 2
            if size == 0 { return out }
            guard bytes.count >= index + size + 2 else { return nil }
            out += bytes[index..<index + size]
            index += size + 2
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// The loopback test client could not complete a request.
public struct LoopbackHTTPError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
