/// A job's id: its type, a dash, then 28 hex digits (48 bits of milliseconds and 64 random bits).
///
/// The type prefix tells every reader which queue holds the job without a lookup.
public struct JobID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String
    /// The type named by the id's prefix.
    public let type: JobType

    /// Accepts only well-formed ids; anything else (from a URL, a CLI argument) is `nil`.
    public init?(_ text: String) {
        guard text.utf8.count <= 64, let dash = text.firstIndex(of: "-") else { return nil }
        guard let type = JobType(rawValue: String(text[..<dash])) else { return nil }
        let digits = text.utf8[text.utf8.index(after: dash)...]
        guard digits.count == 28, digits.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        self.rawValue = text
        self.type = type
    }

    /// A fresh id for a job of `type`, created at `millisecondsSinceEpoch`.
    public static func generate<R: RandomNumberGenerator>(
        for type: JobType, millisecondsSinceEpoch: Int64, using rng: inout R
    ) -> JobID {
        let time = UInt64(truncatingIfNeeded: millisecondsSinceEpoch) & 0xFFFF_FFFF_FFFF
        let text = type.rawValue + "-" + hex(time, digits: 12) + hex(rng.next(), digits: 16)
        return JobID(text)!
    }

    public static func generate(for type: JobType, millisecondsSinceEpoch: Int64) -> JobID {
        var rng = SystemRandomNumberGenerator()
        return generate(for: type, millisecondsSinceEpoch: millisecondsSinceEpoch, using: &rng)
    }

    public var description: String { rawValue }

    public static func < (a: JobID, b: JobID) -> Bool { a.rawValue < b.rawValue }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
