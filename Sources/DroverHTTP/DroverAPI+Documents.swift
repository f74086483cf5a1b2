import DroverQueue

extension DroverAPI {
    /// `GET /api/rag/documents/{id}`: where a document is in its processing; 404 when unknown.
    func documentState(_ segment: String) async -> APIResponse {
        do throws(APIError) {
            let id = try Self.documentID(segment)
            guard let lookup = environment.documentState else {
                throw APIError(status: 501, code: "not_available", message: "this server has no RAG store to ask")
            }
            let state: JSONValue?
            do {
                state = try await lookup(id)
            } catch {
                throw APIError(status: 503, code: "unavailable", message: "the RAG store did not answer: \(error)", retryAfterSeconds: 1)
            }
            guard let state else { throw .notFound("no document \(String(id.prefix(80)).debugDescription)") }
            return .json(200, state)
        } catch {
            return APIResponse(error)
        }
    }

    /// A document id from its (percent-encoded) path segment, or a 400 naming what is wrong with it.
    static func documentID(_ segment: String) throws(APIError) -> String {
        let id = APIRequest.percentDecoded(segment.utf8, plusIsSpace: false)
        guard !id.isEmpty, id.utf8.count <= JobRequest.maxDocumentIDBytes else {
            throw .invalid("a document id must be 1...\(JobRequest.maxDocumentIDBytes) bytes")
        }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{FFFD}" }) else {
            throw .invalid("a document id must be valid UTF-8 without control characters")
        }
        return id
    }
}
