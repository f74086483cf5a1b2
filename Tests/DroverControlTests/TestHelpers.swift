import DroverControl
import DroverTestSupport
import Foundation
import Glibc

/// A connected Unix stream socket pair owned by the test; `closeB` etc. close once.
func rawSocketPair() -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
    return (fds[0], fds[1])
}

/// Writes all of `bytes` to `fd` (a test's raw end of a socket).
func writeRaw(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
        precondition(written > 0, "test write failed: errno \(errno)")
        offset += written
    }
}

/// Waits (polling, up to `timeout`) until `fd` reports end of stream; false if it never does.
func seesEndOfStream(_ fd: Int32, timeout: Duration = .seconds(20)) -> Bool {
    let deadline = ContinuousClock.now + timeout
    var buffer = [UInt8](repeating: 0, count: 4096)
    while ContinuousClock.now < deadline {
        var pollSet = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&pollSet, 1, 100) > 0 {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count == 0 || (count < 0 && errno == ECONNRESET) {
                return true
            }
        }
    }
    return false
}

/// A frame built by hand: header, version, type and body, with an optional wrong length.
func rawFrame(version: UInt8 = ControlProtocol.version, type: UInt8, body: [UInt8] = [], announcedLength: Int? = nil) -> [UInt8] {
    let length = announcedLength ?? (2 + body.count)
    return [UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        + [version, type] + body
}

/// Every worker message, with values that exercise each field.
let sampleWorkerMessages: [WorkerMessage] = [
    .hello(WorkerHello(workerID: "worker-7", pid: 4242, concurrency: 3)),
    .ready,
    .heartbeat(WorkerHeartbeat(
        activeJobs: 2, completedJobs: 1_000_000, failedJobs: 3, avgLatencyMs: 12.5,
        memoryUsageMB: 130.25, cpuPercent: 97.5, uptimeSeconds: 3600.125,
        activeJobIDs: ["job-1", "jøb-✓-2"]
    )),
    .heartbeat(WorkerHeartbeat()),
    .draining,
    .drained,
]

/// Every supervisor message.
let sampleSupervisorMessages: [SupervisorMessage] = [
    .drain, .stop, .cancelJob(id: "job-42"), .reload, .heartbeatInterval(milliseconds: 5000),
]
