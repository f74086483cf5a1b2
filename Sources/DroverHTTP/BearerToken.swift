/// Checks `Authorization: Bearer …` (any case of `Bearer`) against the configured token in constant time.
struct BearerToken: Sendable {
    private let expected: [UInt8]

    init(_ token: String) {
        expected = Array(token.utf8)
    }

    var isRequired: Bool { !expected.isEmpty }

    /// Whether `header` carries the token. Time depends only on the lengths, never on where the
    /// first differing byte is, so the token cannot be guessed byte by byte from timings.
    func accepts(_ header: String?) -> Bool {
        guard isRequired else { return true }
        guard let header else { return false }
        // The scheme is case-insensitive (RFC 9110): its six letters are compared with ASCII case folded.
        let prefix = Array("bearer ".utf8)
        let given = Array(header.utf8)
        guard given.count == prefix.count + expected.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<prefix.count - 1 {
            difference |= (given[index] | 0x20) ^ prefix[index]
        }
        difference |= given[prefix.count - 1] ^ prefix[prefix.count - 1]
        for index in 0..<expected.count {
            difference |= given[prefix.count + index] ^ expected[index]
        }
        return difference == 0
    }
}
