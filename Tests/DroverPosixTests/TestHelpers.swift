import DroverPosix
import DroverTestSupport
import Foundation

/// Enough of an environment for /bin/sh scripts.
let shellEnvironment = ["PATH=/usr/bin:/bin"]

func shell(_ script: String, fileDescriptors: [SpawnRequest.FileDescriptorMapping] = [], processGroup: SpawnRequest.ProcessGroup? = nil) -> SpawnRequest {
    SpawnRequest(
        executablePath: "/bin/sh",
        arguments: ["-c", script],
        environment: shellEnvironment,
        fileDescriptors: fileDescriptors,
        processGroup: processGroup
    )
}

/// bash, not dash: dash cannot redirect to descriptors above 9, and ours usually are.
func bash(_ script: String, fileDescriptors: [SpawnRequest.FileDescriptorMapping]) -> SpawnRequest {
    SpawnRequest(
        executablePath: "/bin/bash",
        arguments: ["-c", script],
        environment: shellEnvironment,
        fileDescriptors: fileDescriptors
    )
}

/// The state letter from /proc/<pid>/stat (R, S, Z, ...), or nil once the pid is gone.
func processState(_ pid: pid_t) -> Character? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else {
        return nil
    }
    return stat[stat.index(after: close)...].first(where: { $0 != " " })
}

/// Whether `pid` no longer runs: gone, or a zombie nobody has reaped yet (our container's
/// PID 1 may never reap orphans).
func isDead(_ pid: pid_t) -> Bool {
    let state = processState(pid)
    return state == nil || state == "Z" || state == "X"
}

/// Reads `fd` until EOF, waiting at most `timeout` in all; closes nothing.
func readUntilEndOfFile(_ fd: Int32, timeout: Duration = .seconds(20)) -> String? {
    let deadline = ContinuousClock.now + timeout
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while ContinuousClock.now < deadline {
        var pollSet = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollSet, 1, 100)
        if ready <= 0 {
            continue
        }
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count == 0 {
            return String(decoding: bytes, as: UTF8.self)
        }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN {
                continue
            }
            return nil
        }
        bytes.append(contentsOf: buffer[..<count])
    }
    return nil
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "/drover-posix-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
