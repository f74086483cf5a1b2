import CDroverLinux
import Glibc

/// A POSIX signal number, with names for the ones Drover sends or expects.
public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let sighup = Signal(rawValue: SIGHUP)
    public static let sigint = Signal(rawValue: SIGINT)
    public static let sigquit = Signal(rawValue: SIGQUIT)
    public static let sigabrt = Signal(rawValue: SIGABRT)
    public static let sigkill = Signal(rawValue: SIGKILL)
    public static let sigsegv = Signal(rawValue: SIGSEGV)
    public static let sigusr1 = Signal(rawValue: SIGUSR1)
    public static let sigusr2 = Signal(rawValue: SIGUSR2)
    public static let sigpipe = Signal(rawValue: SIGPIPE)
    public static let sigalrm = Signal(rawValue: SIGALRM)
    public static let sigterm = Signal(rawValue: SIGTERM)
    public static let sigchld = Signal(rawValue: SIGCHLD)
    public static let sigcont = Signal(rawValue: SIGCONT)
    public static let sigstop = Signal(rawValue: SIGSTOP)
    public static let sigttin = Signal(rawValue: SIGTTIN)
    public static let sigttou = Signal(rawValue: SIGTTOU)

    /// Every signal number this system has, 1 ... SIGRTMAX.
    static var allNumbers: ClosedRange<Int32> { 1...c_drover_sigrtmax() }

    public var description: String {
        switch self {
        case .sighup: "SIGHUP"
        case .sigint: "SIGINT"
        case .sigquit: "SIGQUIT"
        case .sigabrt: "SIGABRT"
        case .sigkill: "SIGKILL"
        case .sigsegv: "SIGSEGV"
        case .sigusr1: "SIGUSR1"
        case .sigusr2: "SIGUSR2"
        case .sigpipe: "SIGPIPE"
        case .sigalrm: "SIGALRM"
        case .sigterm: "SIGTERM"
        case .sigchld: "SIGCHLD"
        case .sigcont: "SIGCONT"
        case .sigstop: "SIGSTOP"
        case .sigttin: "SIGTTIN"
        case .sigttou: "SIGTTOU"
        default: "signal \(rawValue)"
        }
    }
}
