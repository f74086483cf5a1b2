import DroverJSON

/// Writes an answer from retrieved passages. `extractive` is built in; an `openai` chat client
/// plugs in here and marks `partial` when the job's deadline cuts its stream short.
public protocol AnswerGenerator: Sendable {
    /// Identifies the generator and its settings; part of the answer cache key.
    var name: String { get }
    /// Answers `query` from `passages` (best first). A generator must stop by `deadline` and
    /// return what it has with `partial: true` rather than throw.
    func answer(query: String, passages: [SearchHit], deadline: ContinuousClock.Instant) async throws -> RAGAnswer
}

/// An answer: `{answer, citations: [{documentId, chunkId}], partial}`.
public struct RAGAnswer: Sendable, Hashable {
    public var answer: String
    public var citations: [SearchHit]
    public var partial: Bool

    public init(answer: String, citations: [SearchHit], partial: Bool) {
        self.answer = answer
        self.citations = citations
        self.partial = partial
    }

    public var json: JSONValue {
        .object([
            "answer": .string(answer),
            "citations": .array(citations.map { .object(["documentId": .string($0.documentID), "chunkId": .string($0.chunkID)]) }),
            "partial": .bool(partial),
        ])
    }
}

/// The built-in generator: quotes, from each of the best passages, the sentences that share the
/// most words with the question, and cites every passage it quotes. Needs no model.
public struct ExtractiveGenerator: AnswerGenerator {
    /// Passages quoted at most. Default: 3.
    public var maxPassages = 3
    /// Sentences quoted per passage at most. Default: 2.
    public var sentencesPerPassage = 2
    private let tokenizer = Tokenizer()

    public init() {}

    public var name: String { "extractive-\(maxPassages)-\(sentencesPerPassage)" }

    public func answer(query: String, passages: [SearchHit], deadline: ContinuousClock.Instant) async throws -> RAGAnswer {
        let queryTerms = Set(tokenizer.tokens(query))
        var quotes: [String] = []
        var cited: [SearchHit] = []
        for passage in passages.prefix(maxPassages) {
            let sentences = Self.sentences(passage.text)
            let scored = sentences.enumerated().map { index, sentence in
                (index, sentence, Set(tokenizer.tokens(sentence)).intersection(queryTerms).count)
            }
            let chosen = scored.sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
                .prefix(sentencesPerPassage)
                .filter { $0.2 > 0 || quotes.isEmpty }
                .sorted { $0.0 < $1.0 }
                .map(\.1)
            guard !chosen.isEmpty else { continue }
            quotes.append(chosen.joined(separator: " ") + " [\(cited.count + 1)]")
            cited.append(passage)
        }
        guard !quotes.isEmpty else {
            return RAGAnswer(answer: "No indexed passage answers this question.", citations: [], partial: false)
        }
        return RAGAnswer(answer: quotes.joined(separator: "\n"), citations: cited, partial: false)
    }

    /// Sentences of a passage, split after `.`, `!` or `?` followed by whitespace, and at newlines.
    static func sentences(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var result: [String] = []
        var start = 0
        for i in scalars.indices where TextChunker.isSentenceEnd(scalars, at: i) || i == scalars.count - 1 {
            let piece = String(String.UnicodeScalarView(scalars[start...i]))
            let trimmed = piece.trimmingTrailingSpace().drop(while: { $0.isWhitespace })
            if !trimmed.isEmpty { result.append(String(trimmed)) }
            start = i + 1
        }
        return result
    }
}
