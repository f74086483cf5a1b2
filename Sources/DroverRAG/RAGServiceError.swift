/// An error from a model or service the pipeline calls (an embedding or chat endpoint), saying
/// whether another attempt of the job could succeed. The job handlers pass that advice on; any
/// other error is retried.
public protocol RAGServiceError: Error, CustomStringConvertible {
    var retryable: Bool { get }
}
