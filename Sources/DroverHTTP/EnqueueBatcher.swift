import DroverQueue
import Synchronization

/// Coalesces concurrent requests' enqueues into one pipelined `enqueue([...])` call.
///
/// While one batch is on its way to the queue, the next one gathers; when the call returns, the
/// gathered batch goes at once. So under load each round trip carries every request that arrived
/// during the previous one, and an idle server still sends a lone request without waiting.
final class EnqueueBatcher: Sendable {
    private struct Pending {
        var requests: [JobRequest] = []
        var continuations: [CheckedContinuation<EnqueueReceipt, any Error>] = []
        var flushing = false
    }

    private let queue: any JobQueue
    private let pending = Mutex(Pending())
    /// Largest batch one call carries; the rest waits for the next call.
    private let maxBatch: Int

    init(queue: any JobQueue, maxBatch: Int = 2_000) {
        self.queue = queue
        self.maxBatch = maxBatch
    }

    /// Enqueues one request in the next batch; throws `JobQueueError` when the batch failed.
    func enqueue(_ request: JobRequest) async throws(JobQueueError) -> EnqueueReceipt {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let startFlush = pending.withLock { state in
                    state.requests.append(request)
                    state.continuations.append(continuation)
                    if state.flushing { return false }
                    state.flushing = true
                    return true
                }
                if startFlush {
                    Task { await self.flush() }
                }
            }
        } catch let error as JobQueueError {
            throw error
        } catch {
            throw JobQueueError(.unavailable, "enqueue failed: \(error)")
        }
    }

    /// Sends batches until nothing is left, then marks the batcher idle.
    private func flush() async {
        while true {
            let batch: (requests: [JobRequest], continuations: [CheckedContinuation<EnqueueReceipt, any Error>])? =
                pending.withLock { state in
                    if state.requests.isEmpty {
                        state.flushing = false
                        return nil
                    }
                    let count = min(maxBatch, state.requests.count)
                    let taken = (Array(state.requests.prefix(count)), Array(state.continuations.prefix(count)))
                    state.requests.removeFirst(count)
                    state.continuations.removeFirst(count)
                    return taken
                }
            guard let batch else { return }
            do {
                let receipts = try await queue.enqueue(batch.requests)
                for (continuation, receipt) in zip(batch.continuations, receipts) {
                    continuation.resume(returning: receipt)
                }
            } catch {
                // Requests were validated one by one before they joined the batch, so a failure
                // here is the backend's and the same for all of them.
                for continuation in batch.continuations { continuation.resume(throwing: error) }
            }
        }
    }
}
