/// SHA-1 (FIPS 180-4) in lowercase hex, as Redis's `SHA1(script)` and `redis.sha1hex` print it.
///
/// It names Lua scripts the way Redis does, and is the digest a payload's dedup claim is filed
/// under. Not for anything secret.
public enum SHA1 {
    public static func hexDigest(of text: String) -> String {
        var text = text
        return text.withUTF8 { hexDigest(of: UnsafeRawBufferPointer($0)) }
    }

    public static func hexDigest(of message: [UInt8]) -> String {
        message.withUnsafeBytes { hexDigest(of: $0) }
    }

    public static func hexDigest(of message: UnsafeRawBufferPointer) -> String {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let whole = message.count / 64 * 64
                var offset = 0
                while offset < whole {
                    compress(UnsafeRawBufferPointer(rebasing: message[offset..<offset + 64]), into: &h, schedule: w)
                    offset += 64
                }
                // The last partial block, the 0x80 marker, zeros, and the bit length: one or two blocks.
                let rest = message.count - whole
                let tailLength = rest < 56 ? 64 : 128
                let tailBytes = UnsafeMutableRawBufferPointer(tail)
                tailBytes.initializeMemory(as: UInt8.self, repeating: 0)
                if rest > 0 { tailBytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: message[whole...])) }
                tailBytes[rest] = 0x80
                let bitLength = UInt64(message.count) &* 8
                for i in 0..<8 { tailBytes[tailLength - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
                compress(UnsafeRawBufferPointer(rebasing: tailBytes[0..<64]), into: &h, schedule: w)
                if tailLength == 128 { compress(UnsafeRawBufferPointer(rebasing: tailBytes[64..<128]), into: &h, schedule: w) }
            }
        }
        return String(unsafeUninitializedCapacity: 40) { out in
            let digits: StaticString = "0123456789abcdef"
            withUnsafeBytes(of: h) { words in
                for i in 0..<40 {
                    let word = words.load(fromByteOffset: i / 8 * 4, as: UInt32.self)
                    out[i] = digits.utf8Start[Int(word >> UInt32(28 - i % 8 * 4) & 0xF)]
                }
            }
            return 40
        }
    }

    private static func compress(
        _ block: UnsafeRawBufferPointer, into h: inout (UInt32, UInt32, UInt32, UInt32, UInt32),
        schedule w: UnsafeMutableBufferPointer<UInt32>
    ) {
        for i in 0..<16 {
            w[i] = UInt32(block[4 * i]) << 24 | UInt32(block[4 * i + 1]) << 16 | UInt32(block[4 * i + 2]) << 8 | UInt32(block[4 * i + 3])
        }
        for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
        var (a, b, c, d, e) = h
        for i in 0..<80 {
            let (f, k): (UInt32, UInt32) =
                switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
            let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
            (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}
