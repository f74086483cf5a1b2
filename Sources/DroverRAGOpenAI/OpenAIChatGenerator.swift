import DroverHTTPClient
import DroverJSON
import DroverRAG

/// Answers through any OpenAI-compatible `POST /chat/completions` with `"stream": true`, reading
/// the `data:` lines (`choices[0].delta.content`) until `[DONE]`.
///
/// The stream is bounded by the job's deadline: when it passes (or the task is cancelled), the
/// text received so far is the answer, marked `partial`, rather than an error.
public struct OpenAIChatGenerator: AnswerGenerator {
    public let endpoint: OpenAIEndpoint
    public let model: String
    /// Passages put in the prompt at most. Default: 5.
    public var maxPassages = 5

    public init(endpoint: OpenAIEndpoint, model: String) {
        self.endpoint = endpoint
        self.model = model
    }

    public var name: String { "openai-\(model)-\(maxPassages)" }

    public func answer(query: String, passages: [SearchHit], deadline: ContinuousClock.Instant) async throws -> RAGAnswer {
        let prompt = OpenAIChatPrompt(passages: Array(passages.prefix(maxPassages)), question: query)
        guard !prompt.passages.isEmpty else {
            return RAGAnswer(answer: "No indexed passage answers this question.", citations: [], partial: false)
        }
        let body = JSONValue.object([
            "model": .string(model), "stream": .bool(true), "messages": prompt.messages,
        ])
        var text = ""
        var finished = false
        do {
            guard ContinuousClock.now < deadline else { return partialAnswer(text, prompt) }
            let response: HTTPStreamingResponse
            do {
                response = try await endpoint.postStreaming("/chat/completions", body, deadline: deadline)
            } catch let error as OpenAIError {
                throw error.doing("answering with model \(model)")
            }
            var events = response.serverSentEventData.makeAsyncIterator()
            while let data = try await Self.next(&events, url: endpoint.baseURL) {
                if data == "[DONE]" {
                    finished = true
                    break
                }
                let event: JSONValue
                do {
                    event = try JSONValue(parsing: data)
                } catch {
                    throw OpenAIError("the chat stream of model \(model) sent a line that is not JSON: \(data.prefix(200))", retryable: false)
                }
                if let message = event["error"]?["message"]?.stringValue ?? event["error"]?.stringValue {
                    throw OpenAIError("the chat stream of model \(model) reported an error: \(message)", retryable: true)
                }
                guard let choice = event["choices"]?.arrayValue?.first else { continue }
                if let piece = choice["delta"]?["content"]?.stringValue { text += piece }
                if let reason = choice["finish_reason"], reason != .null { finished = true }
            }
        } catch let error as OpenAIError where error.retryable && (ContinuousClock.now >= deadline || Task.isCancelled) {
            // The deadline closed the stream (or the job was cancelled): what arrived is the answer.
            return partialAnswer(text, prompt)
        } catch is CancellationError {
            return partialAnswer(text, prompt)
        }
        if Task.isCancelled { return partialAnswer(text, prompt) }
        // A stream that ended without [DONE] or a finish reason was cut short.
        return RAGAnswer(answer: text, citations: prompt.citations(in: text), partial: !finished)
    }

    /// The next `data:` value, with a transport fault told apart from the deadline by the caller.
    private static func next(_ events: inout ServerSentEventData.Iterator, url: String) async throws(OpenAIError) -> String? {
        do {
            return try await events.next()
        } catch {
            throw OpenAIError("the chat stream from \(url) broke off: \(error)", retryable: true)
        }
    }

    private func partialAnswer(_ text: String, _ prompt: OpenAIChatPrompt) -> RAGAnswer {
        RAGAnswer(answer: text, citations: text.isEmpty ? [] : prompt.citations(in: text), partial: true)
    }
}
