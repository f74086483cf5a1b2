/// Turns control messages into frames: length header, version, type, body.
public enum ControlFrame {
    /// The whole frame for `message`, ready to write.
    ///
    /// - Throws: `.oversized` if the payload would exceed `maxFrameSize`; `.malformedBody` for a
    ///   value the receiving side would refuse (so the bad value is caught at its source).
    public static func encode(_ message: some ControlMessage, maxFrameSize: Int = ControlProtocol.maxFrameSize) throws(ControlProtocolError) -> [UInt8] {
        var writer = ControlBodyWriter()
        // Room for the header and prefix, filled in once the body's length is known.
        writer.writeUInt32(0)
        writer.writeUInt8(ControlProtocol.version)
        writer.writeUInt8(message.typeCode)
        try message.encodeBody(into: &writer)
        var frame = writer.bytes
        let payloadLength = frame.count - ControlProtocol.headerSize
        guard payloadLength <= maxFrameSize else {
            throw ControlProtocolError(.oversized, "\(message.typeCode) message needs a \(payloadLength)-byte frame; the limit is \(maxFrameSize)")
        }
        for index in 0 ..< ControlProtocol.headerSize {
            frame[index] = UInt8(truncatingIfNeeded: payloadLength >> (8 * (ControlProtocol.headerSize - 1 - index)))
        }
        return frame
    }
}
