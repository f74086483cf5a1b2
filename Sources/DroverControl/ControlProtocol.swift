/// The supervisor–worker control protocol's version, limits and well-known names.
///
/// A frame is a 4-byte big-endian payload length, then the payload: one byte of protocol version,
/// one byte of message type, and the message's body (see `ControlBodyWriter` for its encoding).
public enum ControlProtocol {
    /// The version this build speaks; a frame with any other version is refused.
    public static let version: UInt8 = 1

    /// The largest payload a frame may announce. A bigger length header is refused before any of
    /// its body is buffered, so a garbled header cannot make a reader allocate gigabytes.
    public static let maxFrameSize = 64 * 1024

    /// Bytes of the length header in front of every payload.
    public static let headerSize = 4

    /// Version and type bytes: the smallest payload there is.
    static let payloadPrefixSize = 2

    /// The descriptor a worker inherits its end of the control socket on.
    public static let workerFileDescriptor: Int32 = 3

    /// The environment variable that names the worker's control descriptor (its value is `"3"`).
    public static let fileDescriptorEnvironmentKey = "DROVER_CONTROL_FD"
}
