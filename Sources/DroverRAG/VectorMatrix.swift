/// Row vectors of one width in one contiguous `[Float]`, scanned with SIMD dot products.
public struct VectorMatrix: Sendable {
    public let dimensions: Int
    public private(set) var storage: [Float] = []

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public var rows: Int { storage.count / dimensions }

    public mutating func append(_ vector: [Float]) {
        precondition(vector.count == dimensions, "vector has \(vector.count) floats, the index holds \(dimensions)")
        storage.append(contentsOf: vector)
    }

    public mutating func removeAll() { storage.removeAll() }

    /// Dot products of `query` with every row, written into `scores` (resized to `rows`).
    public func dotAll(_ query: [Float], into scores: inout [Float]) {
        precondition(query.count == dimensions)
        let rows = self.rows
        if scores.count != rows { scores = [Float](repeating: 0, count: rows) }
        let d = dimensions
        storage.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { out in
                    for row in 0..<rows {
                        out[row] = Self.dot(UnsafeRawPointer(matrix.baseAddress! + row * d), UnsafeRawPointer(q.baseAddress!), d)
                    }
                }
            }
        }
    }

    /// One row's dot product with `query`.
    public func dot(row: Int, _ query: [Float]) -> Float {
        storage.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { q in
                Self.dot(UnsafeRawPointer(matrix.baseAddress! + row * dimensions), UnsafeRawPointer(q.baseAddress!), dimensions)
            }
        }
    }

    @inline(__always)
    static func dot(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        let stride = MemoryLayout<Float>.stride
        while i + 32 <= count {
            acc0 += a.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                * b.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            acc1 += a.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
                * b.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self)
            i += 32
        }
        while i + 16 <= count {
            acc0 += a.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
                * b.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            sum += a.load(fromByteOffset: i * stride, as: Float.self) * b.load(fromByteOffset: i * stride, as: Float.self)
            i += 1
        }
        return sum
    }
}
