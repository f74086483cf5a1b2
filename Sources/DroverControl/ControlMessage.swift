/// A message of one direction of the control channel; each direction numbers its own types.
///
/// Worker messages use type codes below `0x40` and supervisor messages codes from `0x40`, so a
/// frame sent the wrong way round is refused as `.unknownType` instead of being misread.
public protocol ControlMessage: Hashable, Sendable {
    /// The frame's type byte for this message.
    var typeCode: UInt8 { get }

    /// Appends the body; throws when a value cannot be sent (negative count, NaN, empty id).
    func encodeBody(into writer: inout ControlBodyWriter) throws(ControlProtocolError)

    /// Decodes one message of `typeCode` from a whole body.
    ///
    /// - Throws: `.unknownType` for a code of no message, `.malformedBody` for a bad body.
    static func decode(typeCode: UInt8, from reader: inout ControlBodyReader) throws(ControlProtocolError) -> Self
}
