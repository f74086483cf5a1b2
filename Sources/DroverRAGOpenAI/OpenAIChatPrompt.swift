import DroverJSON
import DroverRAG

/// The chat messages for one question: an instruction, then the numbered passages and the question.
///
/// Passages are numbered from 1 so the model can cite them as `[n]`; the answer's citations are
/// the passages it cited (all of them if it cited none it was given).
struct OpenAIChatPrompt: Sendable {
    static let instruction = """
        Answer the question using only the numbered passages. Cite each passage you use as [n]. \
        If the passages do not answer the question, say so.
        """

    let passages: [SearchHit]
    let question: String

    var messages: JSONValue {
        var context = ""
        for (number, passage) in passages.enumerated() {
            context += "[\(number + 1)] (\(passage.documentID))\n\(passage.text)\n\n"
        }
        return .array([
            .object(["role": .string("system"), "content": .string(Self.instruction)]),
            .object(["role": .string("user"), "content": .string("Passages:\n\n\(context)Question: \(question)")]),
        ])
    }

    /// The passages cited as `[n]` in `answer`, in passage order; all of them if none is cited.
    func citations(in answer: String) -> [SearchHit] {
        let cited = passages.indices.filter { answer.contains("[\($0 + 1)]") }
        return cited.isEmpty ? passages : cited.map { passages[$0] }
    }
}
