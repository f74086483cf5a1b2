import DroverControl
import DroverPosix
import Glibc

/// The reader thread's loop: blocking reads, decoding, delivery, and the final close.
struct ControlReader<Inbound: ControlMessage>: Sendable {
    let socket: ControlSocket
    let continuation: AsyncThrowingStream<Inbound, any Error>.Continuation
    let maxFrameSize: Int

    /// Reads a full frame's worth at a time, so a big frame rarely needs more than two reads.
    private var chunkSize: Int { maxFrameSize + ControlProtocol.headerSize }

    func run() {
        let outcome = readUntilEnd()
        socket.closeFromReader()
        let (localFailure, closedLocally) = socket.state.withLock { ($0.localFailure, $0.closedLocally) }
        if let localFailure {
            continuation.finish(throwing: localFailure)
        } else if closedLocally {
            continuation.finish()
        } else if let outcome {
            continuation.finish(throwing: outcome)
        } else {
            continuation.finish()
        }
    }

    /// Returns nil at a clean end of stream, or the error that ended it.
    private func readUntilEnd() -> ControlChannelError? {
        var decoder = FrameDecoder<Inbound>(maxFrameSize: maxFrameSize)
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                Glibc.read(socket.fd, buffer.baseAddress!, buffer.count)
            }
            if count < 0 {
                let errno = Errno.current
                if errno == .interrupted {
                    continue
                }
                if socket.isClosed {
                    return nil
                }
                return ControlChannelError(.systemCallFailed, "read on control channel failed", errno: errno)
            }
            do {
                if count == 0 {
                    try decoder.finish()
                    return nil
                }
                for message in try decoder.feed(chunk[0 ..< count]) {
                    continuation.yield(message)
                }
            } catch {
                return ControlChannelError(.protocolViolation, "bad frame from peer: \(error)", protocolError: error)
            }
        }
    }
}
