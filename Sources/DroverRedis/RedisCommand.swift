/// One Redis command (or, for `RedisClient.evaluate`, a bare argument list): binary-safe arguments
/// stored contiguously, already in wire format, so building and sending one costs a single buffer.
///
/// The first argument is the command name. `RedisCommand()` is an empty argument list.
public struct RedisCommand: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// Every argument as a RESP bulk string (`$<length>\r\n<bytes>\r\n`), back to back. Keeping the
    /// wire form means sending is two buffer appends (array header, then this), never a per-argument copy.
    private(set) var encoded: [UInt8]
    /// The number of arguments, including the command name.
    public private(set) var count: Int

    /// An empty argument list, for `RedisClient.evaluate(_:keys:arguments:)`.
    public init() {
        encoded = []
        count = 0
    }

    /// A command with its name as the first argument.
    public init(_ name: String) {
        self.init()
        encoded.reserveCapacity(64)
        append(name)
    }

    public init(arrayLiteral elements: String...) {
        self.init()
        for element in elements { append(element) }
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in appendBulk(count: utf8.count) { $0.append(contentsOf: utf8) } }
    }

    /// Appends raw bytes unchanged (NUL and any other byte included).
    public mutating func append(_ bytes: some Collection<UInt8>) {
        appendBulk(count: bytes.count) { $0.append(contentsOf: bytes) }
    }

    public mutating func append(_ i: Int) {
        append(Int64(i))
    }

    /// Appends the decimal text of `i`, as Redis expects numbers.
    public mutating func append(_ i: Int64) {
        let digits = Self.decimalLength(i.magnitude) + (i < 0 ? 1 : 0)
        appendBulk(count: digits) { encoded in
            if i < 0 { encoded.append(UInt8(ascii: "-")) }
            Self.appendDecimal(i.magnitude, to: &encoded)
        }
    }

    /// Appends the shortest text that reads back as the same `Double` (`inf`/`-inf` for infinities,
    /// which Redis accepts for scores).
    public mutating func append(_ d: Double) {
        append(d.description)
    }

    /// Appends every argument of `other` (its name too, if it has one).
    public mutating func append(contentsOf other: RedisCommand) {
        encoded.append(contentsOf: other.encoded)
        count += other.count
    }

    /// The arguments, decoded back from the wire form; meant for tests and diagnostics, not hot paths.
    public var arguments: [[UInt8]] {
        var result: [[UInt8]] = []
        result.reserveCapacity(count)
        var index = 0
        while index < encoded.count {
            index += 1  // "$"
            var length = 0
            while encoded[index] != UInt8(ascii: "\r") {
                length = length * 10 + Int(encoded[index] - UInt8(ascii: "0"))
                index += 1
            }
            index += 2  // "\r\n"
            result.append(Array(encoded[index..<index + length]))
            index += length + 2
        }
        return result
    }

    /// The RESP array header (`*<count>\r\n`) that precedes `encoded` on the wire.
    func withHeader<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        // 1 + up to 20 digits + 2: fits any Int64.
        var header: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &header) { raw in
            var position = 0
            func put(_ byte: UInt8) {
                raw[position] = byte
                position += 1
            }
            put(UInt8(ascii: "*"))
            var divisor: UInt = 1
            let value = UInt(count)
            while value / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            put(UInt8(ascii: "\r"))
            put(UInt8(ascii: "\n"))
            return body(UnsafeRawBufferPointer(rebasing: raw[0..<position]))
        }
    }

    private mutating func appendBulk(count length: Int, _ writeBytes: (inout [UInt8]) -> Void) {
        encoded.append(UInt8(ascii: "$"))
        Self.appendDecimal(UInt64(length), to: &encoded)
        encoded.append(UInt8(ascii: "\r"))
        encoded.append(UInt8(ascii: "\n"))
        writeBytes(&encoded)
        encoded.append(UInt8(ascii: "\r"))
        encoded.append(UInt8(ascii: "\n"))
        count += 1
    }

    private static func decimalLength(_ value: UInt64) -> Int {
        var length = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        return length
    }

    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
