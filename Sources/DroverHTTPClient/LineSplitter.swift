/// Splits a byte stream into lines ending in LF, CRLF or CR, whatever the chunk boundaries.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// A CR ended the last line: an LF that follows belongs to it.
    private var afterCR = false
    /// Longest line kept; a longer one is an error rather than unbounded memory.
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 1_048_576) {
        self.maxLineBytes = maxLineBytes
    }

    /// The lines that `chunk` completes, without their endings.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(HTTPClientError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"):
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            case UInt8(ascii: "\r"):
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
                afterCR = true
            default:
                guard pending.count < maxLineBytes else {
                    throw HTTPClientError(.bodyTooLarge, "a line of the response is longer than \(maxLineBytes) bytes")
                }
                pending.append(byte)
            }
        }
        return lines
    }

    /// The unterminated last line, if the stream ended inside one.
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending
    }
}
