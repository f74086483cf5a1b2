/// How documents are cut into chunks.
public struct ChunkingOptions: Sendable, Hashable {
    /// Longest chunk, in characters (Unicode scalars). Default: 1000.
    public var size: Int
    /// Characters the next chunk repeats from the end of the previous one. Default: 200.
    public var overlap: Int

    public init(size: Int = 1000, overlap: Int = 200) {
        precondition(size >= 20 && overlap >= 0 && overlap < size / 2 + 1, "chunk size must be at least 20 and overlap under half of it")
        self.size = size
        self.overlap = overlap
    }
}

/// Cuts text into overlapping chunks, ending each at a sentence boundary when one lies in its
/// second half, else at whitespace, else mid-word; the next chunk starts at a sentence (or word)
/// start inside the overlap, so chunks read as whole sentences where the text allows.
public struct TextChunker: Sendable {
    public let options: ChunkingOptions

    public init(options: ChunkingOptions = .init()) {
        self.options = options
    }

    public func chunks(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let n = scalars.count
        var result: [String] = []
        var start = skipSpace(scalars, from: 0)
        while start < n {
            var end = min(start + options.size, n)
            if end < n {
                end = boundary(scalars, from: start + options.size / 2, to: end)
            }
            let piece = String(String.UnicodeScalarView(scalars[start..<end]))
            let trimmed = piece.trimmingTrailingSpace()
            if !trimmed.isEmpty { result.append(trimmed) }
            guard end < n else { break }
            var next = max(end - options.overlap, start + 1)
            if options.overlap > 0 {
                next = startOfSentenceOrWord(scalars, from: next, before: end)
            } else {
                next = end
            }
            start = skipSpace(scalars, from: max(next, start + 1))
        }
        return result
    }

    /// The cut point in `lower..<upper`: just after the last sentence end, else the last whitespace, else `upper`.
    private func boundary(_ s: [Unicode.Scalar], from lower: Int, to upper: Int) -> Int {
        var lastSpace = -1
        var i = upper
        while i > lower {
            let c = s[i - 1]
            if Self.isSentenceEnd(s, at: i - 1) { return i }
            if lastSpace < 0, c.properties.isWhitespace { lastSpace = i }
            i -= 1
        }
        return lastSpace > 0 ? lastSpace : upper
    }

    /// The first sentence start in `lower..<upper`, else the first word start, else `lower`.
    private func startOfSentenceOrWord(_ s: [Unicode.Scalar], from lower: Int, before upper: Int) -> Int {
        var firstWord = -1
        var i = max(lower, 1)
        while i < upper {
            if Self.isSentenceEnd(s, at: i - 1) { return i }
            if firstWord < 0, s[i - 1].properties.isWhitespace, !s[i].properties.isWhitespace { firstWord = i }
            i += 1
        }
        return firstWord >= 0 ? firstWord : lower
    }

    /// A sentence ends at `.`, `!`, `?` followed by whitespace, or at a blank line / newline.
    static func isSentenceEnd(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        let c = s[i]
        if c == "\n" { return true }
        guard c == "." || c == "!" || c == "?" || c == "。" else { return false }
        return i + 1 >= s.count || s[i + 1].properties.isWhitespace
    }

    private func skipSpace(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var i = i
        while i < s.count, s[i].properties.isWhitespace { i += 1 }
        return i
    }
}

extension String {
    func trimmingTrailingSpace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
