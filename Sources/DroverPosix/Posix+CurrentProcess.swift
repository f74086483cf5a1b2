import CDroverLinux
import Glibc

extension Posix {
    /// The absolute path of the running executable, from `/proc/self/exe`.
    public static func currentExecutablePath() throws(PosixError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length < 0 {
            throw .current("readlink(/proc/self/exe)")
        }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This process's environment as `KEY=VALUE` strings, for passing on to a child.
    public static func currentEnvironment() -> [String] {
        var result: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            result.append(String(cString: entry))
            cursor += 1
        }
        return result
    }

    /// Asks the kernel to send `signal` to this process when its parent dies, then checks the
    /// parent is still `expectedParent`.
    ///
    /// Call this first thing in a child. The kernel ties the death signal to the *thread* that
    /// spawned us, so parents should spawn from a long-lived thread (`ChildWatcher.spawn` does).
    ///
    /// - Returns: `false` if the parent already died before the request took effect (we were
    ///   re-parented, so no signal will ever come): the caller should exit.
    public static func dieWithParent(signal: Signal = .sigterm, expectedParent: pid_t) throws(PosixError) -> Bool {
        if c_drover_set_pdeathsig(signal.rawValue) != 0 {
            throw .current("prctl(PR_SET_PDEATHSIG, \(signal))")
        }
        // Checked after prctl: a parent dying from here on is covered by the signal.
        return getppid() == expectedParent
    }

    /// The whole content of a small file (such as one under `/proc`), or nil if it cannot be opened.
    static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            return nil
        }
        defer { Glibc.close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if Glibc.errno == EINTR {
                    continue
                }
                // A /proc file of a process that died between open and read reads as ESRCH.
                return nil
            }
            if count == 0 {
                return content
            }
            content.append(contentsOf: chunk[..<count])
        }
    }
}
