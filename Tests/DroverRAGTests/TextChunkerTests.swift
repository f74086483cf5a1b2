import DroverJSON
@testable import DroverRAG
import Testing

@Suite("Chunker")
struct TextChunkerTests {
    static let sentence = "The quick brown fox jumps over the lazy dog. "

    @Test("a short text is one chunk, trimmed")
    func shortTextIsOneChunk() {
        #expect(TextChunker().chunks("  Hello world.  ") == ["Hello world."])
    }

    @Test("chunks stay within the size, end at sentence boundaries and overlap the previous chunk")
    func chunksRespectSizeBoundariesAndOverlap() {
        let text = String(repeating: Self.sentence, count: 100)  // 4500 characters, 45-character sentences
        let chunker = TextChunker(options: ChunkingOptions(size: 200, overlap: 50))
        let chunks = chunker.chunks(text)
        #expect(chunks.count > 20)
        for chunk in chunks {
            #expect(chunk.unicodeScalars.count <= 200)
            #expect(chunk.hasSuffix("."), "chunk ends mid-sentence: \(chunk)")
            #expect(chunk.hasPrefix("The"), "chunk starts mid-sentence: \(chunk)")
        }
        // 200 characters hold four whole sentences (180); with a 50-character overlap the next starts one sentence back.
        #expect(chunks[0] == String(repeating: Self.sentence, count: 4).trimmingTrailingSpace())
        #expect(chunks[0].hasSuffix(String(Self.sentence.dropLast())))
        #expect(chunks[1].hasPrefix(String(Self.sentence.dropLast())))
    }

    @Test("every word of the text appears in some chunk")
    func nothingIsLost() {
        let words = (0..<3000).map { "w\($0)" }
        let text = words.joined(separator: " ")  // no sentence ends: cuts fall on spaces
        let chunks = TextChunker().chunks(text)
        let seen = Set(chunks.flatMap { $0.split(separator: " ").map(String.init) })
        #expect(seen == Set(words))
        #expect(chunks.allSatisfy { $0.unicodeScalars.count <= 1000 })
    }

    @Test("a text without spaces is cut at the size, overlap kept")
    func unbrokenTextIsCutHard() {
        let text = String(repeating: "x", count: 2500)
        let chunks = TextChunker().chunks(text)
        #expect(chunks.map(\.count) == [1000, 1000, 900])
    }
}
