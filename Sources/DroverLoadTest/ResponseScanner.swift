import NIOCore

/// Finds where each HTTP/1.1 response ends in a connection's byte stream, reading only what a
/// load generator needs: the status, the framing, and whether the server keeps the connection.
///
/// Bodies are skipped, never copied. Framing follows RFC 9112 §6.3: no body for a HEAD request's
/// answer, 1xx, 204 and 304; chunked when that is the last transfer coding; until the server closes
/// for any other transfer coding; `Content-Length`; otherwise until the server closes.
struct ResponseScanner {
    /// What the bytes so far amount to.
    enum Step: Equatable {
        case needMore
        case response(status: Int, keepAlive: Bool)
        case malformed(String)
    }

    private enum Phase {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case untilClose
    }

    /// Longest head (status line and headers) or chunk-size line accepted.
    static let maxHeadBytes = 64 * 1_024

    private var phase = Phase.head
    private var status = 0
    private var keepAlive = true
    /// How far the current head (or line) was already searched for its end, so that a head that
    /// arrives a few bytes at a time is not searched from its start on every read.
    private var searched = 0
    /// The requests are HEAD: answers carry headers only.
    private let answersHaveNoBody: Bool

    init(answersHaveNoBody: Bool = false) {
        self.answersHaveNoBody = answersHaveNoBody
    }

    /// Consumes the bytes of at most one whole response; call again while it returns `.response`.
    mutating func scan(_ buffer: inout ByteBuffer) -> Step {
        while true {
            switch phase {
            case .head:
                guard let headLength = find([13, 10, 13, 10], in: buffer) else {
                    return buffer.readableBytes > Self.maxHeadBytes ? .malformed("a response head over \(Self.maxHeadBytes) bytes") : .needMore
                }
                let head = buffer.readSlice(length: headLength + 4)!
                if let problem = readHead(head) { return .malformed(problem) }
                // An interim answer (100 Continue): the real one follows on the same connection.
                if status >= 100 && status < 200 && status != 101 { phase = .head }
                // After 101 the connection speaks another protocol: never reuse it.
                if status == 101 { keepAlive = false }
            case .body(let remaining):
                let skipped = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: skipped)
                if skipped < remaining {
                    phase = .body(remaining: remaining - skipped)
                    return .needMore
                }
                return finish()
            case .chunkSize:
                guard let lineLength = find([13, 10], in: buffer) else {
                    return buffer.readableBytes > Self.maxHeadBytes ? .malformed("a chunk-size line over \(Self.maxHeadBytes) bytes") : .needMore
                }
                let line = buffer.readSlice(length: lineLength + 2)!.readableBytesView.prefix(lineLength)
                // Hex digits, then optional whitespace and `;extensions` (RFC 9112 §7.1.1).
                let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != 32 && $0 != 9 }
                guard let size = Self.hexadecimal(digits) else {
                    return .malformed("a chunk size that is not hexadecimal: \(String(decoding: line.prefix(40), as: UTF8.self).debugDescription)")
                }
                phase = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let skipped = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: skipped)
                guard skipped == remaining else {
                    phase = .chunkData(remaining: remaining - skipped)
                    return .needMore
                }
                phase = .chunkEnd
            case .chunkEnd:
                guard buffer.readableBytes >= 2 else { return .needMore }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { return .malformed("a chunk not followed by CRLF") }
                phase = .chunkSize
            case .trailers:
                guard let lineLength = find([13, 10], in: buffer) else {
                    return buffer.readableBytes > Self.maxHeadBytes ? .malformed("trailers over \(Self.maxHeadBytes) bytes") : .needMore
                }
                buffer.moveReaderIndex(forwardBy: lineLength + 2)
                if lineLength == 0 { return finish() }
            case .untilClose:
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                return .needMore
            }
        }
    }

    /// The server closed the connection: that ends a body that runs until close, and cuts short
    /// anything else that was begun.
    mutating func endOfStream(bufferedBytes: Int) -> Step? {
        switch phase {
        case .untilClose:
            return finish()
        case .head where bufferedBytes == 0:
            return nil
        default:
            return .malformed("the server closed the connection in the middle of a response")
        }
    }

    /// Reads the status line and the three headers that matter; sets the phase for the body.
    private mutating func readHead(_ head: ByteBuffer) -> String? {
        let bytes = head.readableBytesView
        let lines = bytes.split(separator: 10).map { $0.last == 13 ? $0.dropLast() : $0 }.filter { !$0.isEmpty }
        guard let statusLine = lines.first, statusLine.starts(with: Self.http1), statusLine.count >= 12,
              let code = Self.decimal(statusLine.dropFirst(9).prefix(3)), (100...999).contains(code)
        else {
            return "not an HTTP/1.x status line: \(String(decoding: (lines.first ?? bytes[...]).prefix(40), as: UTF8.self).debugDescription)"
        }
        status = code
        let http10 = statusLine.dropFirst(7).first == UInt8(ascii: "0")
        var length: Int?
        var codings: ByteBufferView.SubSequence?
        var close = http10
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return "a header line without a colon" }
            let name = line[..<colon]
            let value = Self.trimmed(line[line.index(after: colon)...])
            if Self.equalsIgnoringCase(name, "content-length") {
                guard let parsed = Self.decimal(value) else {
                    return "a Content-Length that is not a number: \(String(decoding: value.prefix(40), as: UTF8.self).debugDescription)"
                }
                length = parsed
            } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
                // Several field lines make one list: the last line holds the final coding.
                codings = value
            } else if Self.equalsIgnoringCase(name, "connection") {
                let options = value.split(separator: UInt8(ascii: ",")).map(Self.trimmed)
                if options.contains(where: { Self.equalsIgnoringCase($0, "close") }) {
                    close = true
                } else if options.contains(where: { Self.equalsIgnoringCase($0, "keep-alive") }) {
                    close = false
                }
            }
        }
        keepAlive = !close
        if answersHaveNoBody || code < 200 || code == 204 || code == 304 {
            phase = .body(remaining: 0)
        } else if let codings {
            let final = codings.split(separator: UInt8(ascii: ",")).last.map(Self.trimmed)
            if let final, Self.equalsIgnoringCase(final, "chunked") {
                phase = .chunkSize
            } else {
                // Another final coding is framed by the close alone, whatever Content-Length says.
                keepAlive = false
                phase = .untilClose
            }
        } else if let length {
            phase = .body(remaining: length)
        } else {
            keepAlive = false
            phase = .untilClose
        }
        return nil
    }

    private static let http1 = Array("HTTP/1.".utf8)

    /// A chunk size: 1 to 15 hex digits and nothing else (no sign, no prefix), or nil.
    private static func hexadecimal(_ digits: ByteBufferView.SubSequence) -> Int? {
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case 48...57: nibble = digit - 48
            case 65...70: nibble = digit - 55
            case 97...102: nibble = digit - 87
            default: return nil
            }
            value = value << 4 | Int(nibble)
        }
        return value
    }

    /// A non-negative decimal of at most 15 digits, or nil.
    private static func decimal(_ digits: ByteBufferView.SubSequence) -> Int? {
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 48 && digit <= 57 else { return nil }
            value = value * 10 + Int(digit - 48)
        }
        return value
    }

    private static func trimmed(_ bytes: ByteBufferView.SubSequence) -> ByteBufferView.SubSequence {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }

    /// Whether `bytes` spell `lowercase`, ignoring the case of ASCII letters.
    private static func equalsIgnoringCase(_ bytes: ByteBufferView.SubSequence, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        var index = bytes.startIndex
        for offset in 0..<count {
            let byte = bytes[index]
            let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
            guard folded == lowercase.utf8Start[offset] else { return false }
            index = bytes.index(after: index)
        }
        return true
    }

    private mutating func finish() -> Step {
        phase = .head
        return .response(status: status, keepAlive: keepAlive)
    }

    /// The offset of `pattern` in the readable bytes, if it is there. A miss remembers how far it
    /// looked; a hit starts the next search afresh.
    private mutating func find(_ pattern: [UInt8], in buffer: ByteBuffer) -> Int? {
        let from = max(0, searched - pattern.count + 1)
        let found = Self.find(pattern, in: buffer, from: from)
        searched = found == nil ? buffer.readableBytes : 0
        return found
    }

    private static func find(_ pattern: [UInt8], in buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= pattern.count else { return nil }
            var index = start
            let last = bytes.count - pattern.count
            while index <= last {
                if bytes[index] == pattern[0] {
                    var matched = 1
                    while matched < pattern.count && bytes[index + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
