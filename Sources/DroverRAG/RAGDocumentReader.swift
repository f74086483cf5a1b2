import DroverJSON

/// Reads an `index` job's `documents` array: each good document comes out validated, each bad one
/// as `{id, error}`, so one bad document never stops the rest of the batch.
public struct RAGDocumentReader: Sendable {
    /// Text longer than this many UTF-8 bytes is refused. Default: 10 MiB.
    public var maxTextBytes = 10 << 20
    /// Ids longer than this many UTF-8 bytes are refused. Default: 512.
    public var maxIDBytes = 512
    /// Documents in one job. Default: 10,000.
    public var maxDocuments = 10_000

    public init() {}

    /// The outcome for one batch, in input order.
    public struct Batch: Sendable {
        public var documents: [RAGDocument] = []
        /// `(id, error)` for each refused document; the id is `"#<index>"` when it had none.
        public var failed: [(id: String, error: String)] = []
    }

    public func read(_ documents: JSONValue?) throws(RAGInputError) -> Batch {
        guard let list = documents?.arrayValue else {
            throw RAGInputError("payload.documents must be an array of {id, text, source?, url?, metadata?}")
        }
        guard list.count <= maxDocuments else {
            throw RAGInputError("payload.documents holds \(list.count) documents; at most \(maxDocuments) per job")
        }
        var batch = Batch()
        var seen: Set<String> = []
        for (index, item) in list.enumerated() {
            let fallbackID = item["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(index)"
            switch readOne(item) {
            case .success(let document):
                if !seen.insert(document.id).inserted {
                    batch.failed.append((document.id, "duplicate id \(document.id.debugDescription) in this batch (document #\(index)); the first one is indexed"))
                } else {
                    batch.documents.append(document)
                }
            case .failure(let error):
                batch.failed.append((fallbackID, "document #\(index): \(error.message)"))
            }
        }
        return batch
    }

    func readOne(_ item: JSONValue) -> Result<RAGDocument, RAGInputError> {
        guard let object = item.objectValue else { return .failure(RAGInputError("must be an object")) }
        guard let idValue = object["id"], idValue != .null else { return .failure(RAGInputError("missing id")) }
        guard let id = idValue.stringValue else { return .failure(RAGInputError("id must be a string")) }
        guard !id.isEmpty, id.utf8.count <= maxIDBytes else {
            return .failure(RAGInputError("id must be 1...\(maxIDBytes) bytes"))
        }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            return .failure(RAGInputError("id must not contain control characters"))
        }
        let text: String
        switch readText(object) {
        case .success(let t): text = t
        case .failure(let e): return .failure(e)
        }
        guard text.utf8.count <= maxTextBytes else {
            return .failure(RAGInputError("text is \(text.utf8.count) bytes; the limit is \(maxTextBytes) bytes"))
        }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            return .failure(RAGInputError("text is empty"))
        }
        var document = RAGDocument(id: id, text: text)
        for (key, path) in [("source", \RAGDocument.source), ("url", \RAGDocument.url)] {
            guard let value = object[key], value != .null else { continue }
            guard let string = value.stringValue else { return .failure(RAGInputError("\(key) must be a string")) }
            document[keyPath: path] = string
        }
        if let metadata = object["metadata"], metadata != .null {
            guard let members = metadata.objectValue else { return .failure(RAGInputError("metadata must be an object")) }
            document.metadata = members
            switch RAGAccess.parse(members["acl"]) {
            case .success(let access): document.access = access
            case .failure(let e): return .failure(e)
            }
        }
        return .success(document)
    }

    /// `text`, or `textBase64` for content whose encoding the client does not know: that form is
    /// where invalid UTF-8 can arrive (JSON strings are valid UTF-8 by construction).
    private func readText(_ object: [String: JSONValue]) -> Result<String, RAGInputError> {
        if let encoded = object["textBase64"], encoded != .null {
            guard object["text"] == nil else { return .failure(RAGInputError("give text or textBase64, not both")) }
            guard let string = encoded.stringValue else { return .failure(RAGInputError("textBase64 must be a string")) }
            guard string.utf8.count / 4 * 3 <= maxTextBytes + 3 else {
                return .failure(RAGInputError("text is over \(maxTextBytes) bytes; the limit is \(maxTextBytes) bytes"))
            }
            guard let bytes = Base64.decode(string) else { return .failure(RAGInputError("textBase64 is not valid base64")) }
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                return .failure(RAGInputError("text is not valid UTF-8"))
            }
            return .success(decoded)
        }
        guard let value = object["text"], value != .null else { return .failure(RAGInputError("missing text")) }
        guard let string = value.stringValue else { return .failure(RAGInputError("text must be a string")) }
        return .success(string)
    }
}
