import Glibc

/// An inverted index over chunk rows scored with Okapi BM25 (k1 1.2, b 0.75).
///
/// Rows are removed by tombstone: their postings stay until the owner rebuilds, and scoring skips them.
public struct BM25Index: Sendable {
    public var k1: Float = 1.2
    public var b: Float = 0.75

    struct Posting: Sendable {
        var row: Int32
        var frequency: Float
    }

    private var postings: [UInt64: [Posting]] = [:]
    /// Live-document frequency per term, so idf ignores removed rows.
    private var documentFrequency: [UInt64: Int32] = [:]
    private(set) var rowLength: [Float] = []
    private var rowTerms: [[UInt64]] = []
    private var live: [Bool] = []
    private var liveRows = 0
    private var totalLength: Double = 0

    public init() {}

    /// Adds row `rows` (the next row number) with its tokens.
    mutating func append(tokens: [UInt64]) {
        let row = Int32(rowLength.count)
        var counts: [UInt64: Float] = [:]
        for t in tokens { counts[t, default: 0] += 1 }
        for (term, tf) in counts {
            postings[term, default: []].append(Posting(row: row, frequency: tf))
            documentFrequency[term, default: 0] += 1
        }
        rowTerms.append(Array(counts.keys))
        rowLength.append(Float(tokens.count))
        live.append(true)
        liveRows += 1
        totalLength += Double(tokens.count)
    }

    mutating func remove(row: Int) {
        guard live[row] else { return }
        live[row] = false
        liveRows -= 1
        totalLength -= Double(rowLength[row])
        for term in rowTerms[row] { documentFrequency[term, default: 1] -= 1 }
        rowTerms[row] = []
    }

    /// BM25 scores of every live row that contains a query term, accumulated into `scores`
    /// (sized to the row count, zeroed on the rows it touched); returns the touched rows.
    func score(_ query: [UInt64], into scores: inout [Float]) -> [Int32] {
        if scores.count != rowLength.count { scores = [Float](repeating: 0, count: rowLength.count) }
        guard liveRows > 0 else { return [] }
        let average = Float(totalLength / Double(liveRows))
        var touched: [Int32] = []
        for term in Set(query) {
            guard let list = postings[term], let df = documentFrequency[term], df > 0 else { continue }
            let idf = logf(1 + (Float(liveRows) - Float(df) + 0.5) / (Float(df) + 0.5))
            for p in list where live[Int(p.row)] {
                let r = Int(p.row)
                let norm = k1 * (1 - b + b * rowLength[r] / max(average, 1))
                if scores[r] == 0 { touched.append(p.row) }
                scores[r] += idf * p.frequency * (k1 + 1) / (p.frequency + norm)
            }
        }
        return touched
    }
}

@inline(__always)
private func logf(_ x: Float) -> Float {
    Float(Glibc.log(Double(x)))
}
