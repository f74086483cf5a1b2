import DroverJSON
import DroverRAG

/// Embeds through any OpenAI-compatible `POST /embeddings` (Ollama, vLLM, llama.cpp server, TEI):
/// `{model, input: [...]}` → `{data: [{embedding, index}]}`, in batches, with retries.
///
/// Every answer is checked (one vector per input, each index once, `dimensions` finite numbers)
/// and L2-normalised, because the index ranks by dot product.
public struct OpenAIEmbedder: Embedder {
    public let endpoint: OpenAIEndpoint
    public let model: String
    public let dimensions: Int
    /// Texts per request at most. Default: 64.
    public var batchSize = 64

    public init(endpoint: OpenAIEndpoint, model: String, dimensions: Int) {
        precondition(dimensions > 0, "an embedder needs a positive dimension count")
        self.endpoint = endpoint
        self.model = model
        self.dimensions = dimensions
    }

    /// An embedder whose dimension count is learnt from the model with one probe request.
    public static func probing(endpoint: OpenAIEndpoint, model: String) async throws -> OpenAIEmbedder {
        let vectors = try await request(["dimension probe"], endpoint: endpoint, model: model, dimensions: nil)
        return OpenAIEmbedder(endpoint: endpoint, model: model, dimensions: vectors[0].count)
    }

    public var name: String { "openai-\(model)-\(dimensions)" }
    /// A remote model is slow and costs money: query embeddings are worth caching.
    public var cachesQueries: Bool { true }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(start + max(1, batchSize), texts.count)])
            vectors += try await Self.request(batch, endpoint: endpoint, model: model, dimensions: dimensions)
            start += batch.count
        }
        return vectors
    }

    /// One request; `dimensions` nil accepts whatever length the first vector has.
    static func request(_ texts: [String], endpoint: OpenAIEndpoint, model: String, dimensions: Int?) async throws -> [[Float]] {
        let body = JSONValue.object(["model": .string(model), "input": .array(texts.map(JSONValue.string))])
        let answer: JSONValue
        do {
            answer = try await endpoint.postJSON("/embeddings", body)
        } catch let error as OpenAIError {
            throw error.doing("embedding with model \(model)")
        }
        return try vectors(in: answer, count: texts.count, dimensions: dimensions, model: model)
    }

    /// The vectors of an answer, in input order, normalised; throws naming what is wrong.
    static func vectors(in answer: JSONValue, count: Int, dimensions: Int?, model: String) throws(OpenAIError) -> [[Float]] {
        func bad(_ why: String) -> OpenAIError {
            OpenAIError("the embeddings answer for model \(model) is unusable: \(why)", retryable: false)
        }
        guard let data = answer["data"]?.arrayValue else {
            if let message = answer["error"]?["message"]?.stringValue { throw bad("the server reported: \(message)") }
            throw bad("it has no data array")
        }
        guard data.count == count else { throw bad("\(data.count) embeddings for \(count) inputs") }
        var slots = [[Float]?](repeating: nil, count: count)
        var expected = dimensions
        for (position, item) in data.enumerated() {
            let index = item["index"]?.intValue ?? position
            guard slots.indices.contains(index), slots[index] == nil else {
                throw bad("data[\(position)].index \(index) is out of range or repeated")
            }
            guard let numbers = item["embedding"]?.arrayValue else {
                throw bad("data[\(position)].embedding is not an array (base64 encoding is not supported)")
            }
            let width = expected ?? numbers.count
            guard numbers.count == width, width > 0 else {
                throw bad("data[\(position)].embedding has \(numbers.count) numbers, expected \(width)")
            }
            expected = width
            var vector = [Float](repeating: 0, count: width)
            var norm: Float = 0
            for (i, number) in numbers.enumerated() {
                guard let value = number.doubleValue, value.isFinite else {
                    throw bad("data[\(position)].embedding[\(i)] is not a finite number")
                }
                vector[i] = Float(value)
                norm += vector[i] * vector[i]
            }
            guard norm > 0, norm.isFinite else { throw bad("data[\(position)].embedding is all zeros") }
            let scale = 1 / norm.squareRoot()
            for i in vector.indices { vector[i] *= scale }
            slots[index] = vector
        }
        // count inputs, count items, no index twice: every slot is filled.
        return slots.map { $0! }
    }
}
