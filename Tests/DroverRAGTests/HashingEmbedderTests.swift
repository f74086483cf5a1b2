import DroverJSON
@testable import DroverRAG
import Testing

@Suite("Tokenizer and hashing embedder")
struct HashingEmbedderTests {
    @Test("tokens are lower-cased, stop words dropped, plurals folded")
    func tokenizerNormalises() {
        let t = Tokenizer()
        #expect(t.tokens("The Processes") == t.tokens("process"))
        #expect(t.tokens("copying files") == t.tokens("copy file"))
        #expect(t.tokens("of the and").isEmpty)
        #expect(t.tokens("status") != t.tokens("statu"))
        #expect(t.tokens("ünïcode wörds").count == 2)
    }

    @Test("vectors are deterministic, have the configured size and unit length")
    func vectorsAreDeterministicAndNormalised() {
        let embedder = HashingEmbedder(dimensions: 64)
        let a = embedder.vector("copy files and directories")
        #expect(a == HashingEmbedder(dimensions: 64).vector("copy files and directories"))
        #expect(a.count == 64)
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        #expect(embedder.vector("   ").allSatisfy { $0 == 0 })
    }

    @Test("texts sharing words score higher than unrelated texts")
    func similarityFollowsSharedWords() {
        let e = HashingEmbedder()
        func dot(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        let q = e.vector("remove directory entries")
        #expect(dot(q, e.vector("remove empty directories")) > dot(q, e.vector("print the current date and time")))
        #expect(abs(dot(q, q) - 1) < 1e-5)
    }

    @Test("word order matters through bigrams")
    func bigramsCountOrder() {
        let e = HashingEmbedder()
        #expect(e.vector("dog bites man") != e.vector("man bites dog"))
    }

    @Test("the SIMD dot product equals the scalar one")
    func simdDotMatchesScalar() {
        var matrix = VectorMatrix(dimensions: 37)
        var rows: [[Float]] = []
        for r in 0..<5 {
            let row: [Float] = (0..<37).map { (i: Int) -> Float in Float((i * 7 + r * 3) % 11) - 5 }
            rows.append(row)
            matrix.append(row)
        }
        let q: [Float] = (0..<37).map { (i: Int) -> Float in Float(i % 5) - 2 }
        var scores: [Float] = []
        matrix.dotAll(q, into: &scores)
        for (r, row) in rows.enumerated() {
            var expected: Float = 0
            for i in 0..<37 { expected += row[i] * q[i] }
            #expect(scores[r] == expected)  // small integers: exact in any summation order
        }
    }
}
