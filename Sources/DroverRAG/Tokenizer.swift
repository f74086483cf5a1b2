/// Splits text into normalised word tokens, each identified by a 64-bit hash, for BM25 and the
/// hashing embedder alike, so both sides see the same words.
///
/// ASCII letters are lower-cased, runs of letters/digits (and any non-ASCII bytes, which keeps
/// UTF-8 words whole) form tokens, a small English stop list is dropped, and a light suffix
/// stripper folds plurals and common verb forms (`processes`/`process`, `copying`/`copy`).
public struct Tokenizer: Sendable {
    public init() {}

    /// The token hashes of `text`, in order, stop words removed.
    public func tokens(_ text: String) -> [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(text.utf8.count / 5)
        var word: [UInt8] = []
        word.reserveCapacity(32)
        func flush() {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty, word.count <= 64 else { return }
            Self.stem(&word)
            let hash = Self.hash(word)
            if !Self.stopHashes.contains(hash) { result.append(hash) }
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...:
                word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                word.append(byte | 0x20)
            default:
                flush()
            }
        }
        flush()
        return result
    }

    /// FNV-1a 64, then a finaliser so low bits are well mixed (the embedder takes them modulo its size).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return mix(h)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Folds the commonest English inflections; deliberately small (no Porter), since a wrong
    /// fold costs recall on both sides equally and a missed one only on the keyword side.
    static func stem(_ w: inout [UInt8]) {
        func ends(_ suffix: String) -> Bool {
            let n = suffix.utf8.count
            guard w.count > n else { return false }
            return w[(w.count - n)...].elementsEqual(suffix.utf8)
        }
        guard w.count > 3, w.allSatisfy({ $0 < 0x80 }) else { return }
        if ends("ies"), w.count > 4 {
            w.removeLast(3)
            w.append(UInt8(ascii: "y"))
        } else if ends("sses") || ends("xes") || ends("ches") || ends("shes") {
            w.removeLast(2)
        } else if ends("ss") || ends("us") || ends("is") {
            // class, status, analysis: not plurals.
        } else if ends("s") {
            w.removeLast()
        } else if ends("ing"), w.count > 5 {
            w.removeLast(3)
        } else if ends("ed"), w.count > 4 {
            w.removeLast(2)
        }
    }

    static let stopWords = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into", "is", "it",
        "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with", "which", "what",
        "how", "do", "does", "can", "i", "you", "we", "they", "he", "she", "not", "no", "but", "if", "then",
        "than", "so", "such", "there", "these", "those", "their", "them", "our", "your", "my", "me", "who",
        "when", "where", "why", "all", "any", "each", "about", "also", "been", "being", "would", "should",
    ]
    static let stopHashes: Set<UInt64> = Set(stopWords.map { word in
        var bytes = Array(word.utf8)
        stem(&bytes)
        return hash(bytes)
    })
}
