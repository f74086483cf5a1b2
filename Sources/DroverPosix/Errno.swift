import Glibc

/// An `errno` value as the C library reported it, printable with its text.
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The calling thread's `errno`; read it right after the failing call.
    public static var current: Errno { Errno(rawValue: Glibc.errno) }

    public static let operationNotPermitted = Errno(rawValue: EPERM)
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    public static let noChildProcess = Errno(rawValue: ECHILD)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notADirectory = Errno(rawValue: ENOTDIR)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    public static let execFormatError = Errno(rawValue: ENOEXEC)
    public static let notSupported = Errno(rawValue: ENOSYS)

    public var description: String {
        // glibc's strerror returns static text for known values, so this is safe across threads.
        "\(String(cString: strerror(rawValue))) (errno \(rawValue))"
    }
}
