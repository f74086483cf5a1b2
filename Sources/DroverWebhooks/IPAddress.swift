import Glibc

/// A numeric IPv4 or IPv6 address, and the special-purpose ranges a webhook must not reach by default.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// Sixteen bytes, network order.
    case v6([UInt8])

    /// Parses numeric text (`10.0.0.1`, `::1`, `[fe80::1%eth0]`); `nil` for a host name.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        // A zone (fe80::1%eth0) only ever qualifies a link-local address; the address decides.
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Cloud instance-metadata endpoints: AWS, GCP and Azure (169.254.169.254), AWS ECS
    /// (169.254.170.2), Alibaba (100.100.100.200), AWS over IPv6 (fd00:ec2::254).
    public var isCloudMetadata: Bool {
        switch self {
        case .v4(let value):
            return [0xA9FE_A9FE, 0xA9FE_AA02, 0x6464_64C8].contains(value)
        case .v6(let bytes):
            return bytes == [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
        }
    }

    /// The special-purpose range the address is in (loopback, private, link-local, …), or `nil`
    /// for a globally routable address.
    public var restrictedRange: String? {
        if isCloudMetadata { return "a cloud metadata address" }
        switch self {
        case .v4(let value): return Self.restrictedV4(value)
        case .v6(let bytes): return Self.restrictedV6(bytes)
        }
    }

    private static func restrictedV4(_ value: UInt32) -> String? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { value >> (32 - bits) == base >> (32 - bits) }
        let ranges: [(UInt32, UInt32, String)] = [
            (0x0000_0000, 8, "the \"this network\" range 0.0.0.0/8"),
            (0x0A00_0000, 8, "the private range 10.0.0.0/8"),
            (0x6440_0000, 10, "the shared (carrier-grade NAT) range 100.64.0.0/10"),
            (0x7F00_0000, 8, "the loopback range 127.0.0.0/8"),
            (0xA9FE_0000, 16, "the link-local range 169.254.0.0/16"),
            (0xAC10_0000, 12, "the private range 172.16.0.0/12"),
            (0xC000_0000, 24, "the IETF protocol range 192.0.0.0/24"),
            (0xC000_0200, 24, "the documentation range 192.0.2.0/24"),
            (0xC0A8_0000, 16, "the private range 192.168.0.0/16"),
            (0xC612_0000, 15, "the benchmarking range 198.18.0.0/15"),
            (0xC633_6400, 24, "the documentation range 198.51.100.0/24"),
            (0xCB00_7100, 24, "the documentation range 203.0.113.0/24"),
            (0xE000_0000, 4, "the multicast range 224.0.0.0/4"),
            (0xF000_0000, 4, "the reserved range 240.0.0.0/4"),
        ]
        return ranges.first { within($0.0, $0.1) }?.2
    }

    private static func restrictedV6(_ b: [UInt8]) -> String? {
        let zeroTen = b[0..<10].allSatisfy { $0 == 0 }
        if b[0..<15].allSatisfy({ $0 == 0 }) {
            return b[15] == 1 ? "the IPv6 loopback address ::1" : "the unspecified IPv6 range ::/128"
        }
        // Forms that carry an IPv4 address are judged by that address.
        if zeroTen, b[10] == 0xFF, b[11] == 0xFF { return embedded(b, at: 12).map { "\($0) (IPv4-mapped)" } }
        if zeroTen, b[10] == 0, b[11] == 0 { return embedded(b, at: 12).map { "\($0) (IPv4-compatible)" } ?? "the deprecated IPv4-compatible range ::/96" }
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return embedded(b, at: 12).map { "\($0) (NAT64)" } }
        if b[0] == 0x20, b[1] == 0x02 { return embedded(b, at: 2).map { "\($0) (6to4)" } }
        if b[0] & 0xFE == 0xFC { return "the unique-local range fc00::/7" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return "the link-local range fe80::/10" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return "the site-local range fec0::/10" }
        if b[0] == 0xFF { return "the multicast range ff00::/8" }
        if b[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return "the documentation range 2001:db8::/32" }
        if b[0..<8] == [0x01, 0x00, 0, 0, 0, 0, 0, 0] { return "the discard range 100::/64" }
        return nil
    }

    private static func embedded(_ bytes: [UInt8], at offset: Int) -> String? {
        let value = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let inner = IPAddress.v4(value)
        return inner.restrictedRange
    }
}
