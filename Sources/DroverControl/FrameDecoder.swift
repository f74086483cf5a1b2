/// Cuts a byte stream into control messages, incrementally: feed what `read` returned, get the
/// messages it completed.
///
/// The first violation poisons the decoder: every later call throws the same error, because
/// after a bad frame nothing on the stream can be trusted to start at a frame boundary.
public struct FrameDecoder<Message: ControlMessage>: Sendable {
    public let maxFrameSize: Int
    private var buffer: [UInt8] = []
    /// Where the next unread frame starts in `buffer`; consumed bytes are dropped lazily.
    private var start = 0
    private var failure: ControlProtocolError?

    public init(maxFrameSize: Int = ControlProtocol.maxFrameSize) {
        precondition(maxFrameSize >= ControlProtocol.payloadPrefixSize && maxFrameSize <= Int(UInt32.max), "maxFrameSize \(maxFrameSize) cannot hold a frame")
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes received but not yet part of a whole frame.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends `bytes` and returns every message they complete, in order.
    ///
    /// - Throws: `ControlProtocolError` for the first bad frame; messages decoded before it in
    ///   the same call are dropped with it, since the channel is closed on any error anyway.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ControlProtocolError) -> [Message] {
        if let failure {
            throw failure
        }
        buffer.append(contentsOf: bytes)
        var messages: [Message] = []
        do {
            while let message = try nextMessage() {
                messages.append(message)
            }
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
        compact()
        return messages
    }

    /// Call at end of stream: a partial frame left over means the peer stopped mid-message.
    public mutating func finish() throws(ControlProtocolError) {
        if let failure {
            throw failure
        }
        let left = bufferedByteCount
        guard left > 0 else {
            return
        }
        let error: ControlProtocolError
        if left < ControlProtocol.headerSize {
            error = ControlProtocolError(.truncated, "stream ended \(left) bytes into a frame header")
        } else {
            error = ControlProtocolError(.truncated, "stream ended after \(left - ControlProtocol.headerSize) of \(announcedLength()) payload bytes")
        }
        failure = error
        throw error
    }

    private func announcedLength() -> Int {
        buffer[start ..< start + ControlProtocol.headerSize].reduce(0) { $0 << 8 | Int($1) }
    }

    private mutating func nextMessage() throws(ControlProtocolError) -> Message? {
        let available = bufferedByteCount
        guard available >= ControlProtocol.headerSize else {
            return nil
        }
        let length = announcedLength()
        // Checked on the header alone, before waiting for (and buffering) the body it announces.
        guard length <= maxFrameSize else {
            throw ControlProtocolError(.oversized, "frame announces \(length) bytes; the limit is \(maxFrameSize)")
        }
        guard length >= ControlProtocol.payloadPrefixSize else {
            throw ControlProtocolError(.malformedBody, "frame announces \(length) bytes; a payload has at least \(ControlProtocol.payloadPrefixSize)")
        }
        let payloadStart = start + ControlProtocol.headerSize
        // The version byte is judged as soon as it arrives, so garbage fails fast.
        if available > ControlProtocol.headerSize, buffer[payloadStart] != ControlProtocol.version {
            throw ControlProtocolError(.unsupportedVersion, "frame has protocol version \(buffer[payloadStart]); this build speaks \(ControlProtocol.version)")
        }
        guard available >= ControlProtocol.headerSize + length else {
            return nil
        }
        let typeCode = buffer[payloadStart + 1]
        let bodyStart = payloadStart + ControlProtocol.payloadPrefixSize
        let bodyEnd = payloadStart + length
        var reader = ControlBodyReader(buffer[bodyStart ..< bodyEnd], messageName: "type \(typeCode) message")
        let message = try Message.decode(typeCode: typeCode, from: &reader)
        start = bodyEnd
        return message
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 2 * maxFrameSize)
            start = 0
        } else if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
