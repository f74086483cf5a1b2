import DroverQueue
import Synchronization

/// Coalesces concurrent calls of one kind into one batched call to the queue.
///
/// While one batch is on its way, the next one gathers; when the call returns, the gathered batch
/// goes at once. So under load each round trip carries every call that arrived during the previous
/// one, and an idle server still sends a lone call without waiting.
final class CallBatcher<Input: Sendable, Output: Sendable>: Sendable {
    /// The batched call: one output per input, in order.
    typealias Perform = @Sendable ([Input]) async throws(JobQueueError) -> [Output]

    private struct Pending {
        var inputs: [Input] = []
        var continuations: [CheckedContinuation<Output, any Error>] = []
        var flushing = false
    }

    private let perform: Perform
    private let pending = Mutex(Pending())
    /// Largest batch one call carries; the rest waits for the next call.
    private let maxBatch: Int

    init(maxBatch: Int = 2_000, perform: @escaping Perform) {
        self.perform = perform
        self.maxBatch = maxBatch
    }

    /// Runs `input` in the next batch; throws `JobQueueError` when the batch failed.
    func call(_ input: Input) async throws(JobQueueError) -> Output {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let startFlush = pending.withLock { state in
                    state.inputs.append(input)
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
            throw JobQueueError(.unavailable, "batched call failed: \(error)")
        }
    }

    /// Sends batches until nothing is left, then marks the batcher idle.
    private func flush() async {
        while true {
            let batch: (inputs: [Input], continuations: [CheckedContinuation<Output, any Error>])? =
                pending.withLock { state in
                    if state.inputs.isEmpty {
                        state.flushing = false
                        return nil
                    }
                    let count = min(maxBatch, state.inputs.count)
                    let taken = (Array(state.inputs.prefix(count)), Array(state.continuations.prefix(count)))
                    state.inputs.removeFirst(count)
                    state.continuations.removeFirst(count)
                    return taken
                }
            guard let batch else { return }
            do {
                let outputs = try await perform(batch.inputs)
                guard outputs.count == batch.inputs.count else {
                    throw JobQueueError(.unavailable, "a batch of \(batch.inputs.count) got \(outputs.count) answers")
                }
                for (continuation, output) in zip(batch.continuations, outputs) {
                    continuation.resume(returning: output)
                }
            } catch {
                // Inputs were validated one by one before they joined the batch, so a failure
                // here is the backend's and the same for all of them.
                for continuation in batch.continuations { continuation.resume(throwing: error) }
            }
        }
    }
}
