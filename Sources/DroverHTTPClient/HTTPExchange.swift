import NIOCore
import NIOHTTP1

/// One request on one connection, with where its response goes and what to do afterwards.
struct HTTPExchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let deadline: NIODeadline
    let sink: Sink
    /// Called once on the event loop when the exchange ends: `true` when the connection may take
    /// another request, `false` when it was closed.
    let finished: @Sendable (_ reusable: Bool) -> Void

    /// Where the response goes.
    enum Sink: Sendable {
        /// Collect the body, refusing more than `limit` bytes, and answer once complete.
        case collect(EventLoopPromise<HTTPResponse>, limit: Int)
        /// Answer at the head and stream the body.
        case stream(EventLoopPromise<HTTPStreamingResponse>)

        func fail(_ error: HTTPClientError) {
            switch self {
            case .collect(let promise, _): promise.fail(error)
            case .stream(let promise): promise.fail(error)
            }
        }
    }
}
