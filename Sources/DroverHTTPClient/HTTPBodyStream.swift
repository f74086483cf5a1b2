import NIOCore

/// A response body as byte chunks, in the order they arrived, with backpressure: while the reader
/// falls behind, the connection stops reading from its socket.
public struct HTTPBodyStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = HTTPClientError
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        [UInt8], any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BodyReadDelegate
    >

    let producer: Producer

    public func makeAsyncIterator() -> Iterator { Iterator(base: producer.makeAsyncIterator()) }

    /// Reads the next chunk; `nil` at the end of the body.
    public struct Iterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws(HTTPClientError) -> [UInt8]? {
            do {
                return try await base.next()
            } catch let error as HTTPClientError {
                throw error
            } catch {
                throw HTTPClientError(.connectionClosed, "the response body was cut off: \(error)")
            }
        }
    }
}

/// Tells the connection's handler, on its event loop, when the reader wants more or went away.
struct BodyReadDelegate: NIOAsyncSequenceProducerDelegate {
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<HTTPExchangeHandler>
    let stream: Int

    func produceMore() {
        eventLoop.execute { handler.value.readerWantsMore(stream: stream) }
    }

    func didTerminate() {
        eventLoop.execute { handler.value.readerWentAway(stream: stream) }
    }
}
