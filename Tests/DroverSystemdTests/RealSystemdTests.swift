import DroverPosix
import DroverTestSupport
import Foundation
import Testing

/// `drover serve` under a real systemd (PID 1 of throwaway namespaces), through
/// `systemd/test-in-namespace.sh`. Off by default: it needs root, unshare and mounts, and takes
/// about half a minute. Run with DROVER_REAL_SYSTEMD=1.
@Suite("drover.service under a real systemd")
struct RealSystemdTests {
    static let enabled = ProcessInfo.processInfo.environment["DROVER_REAL_SYSTEMD"] == "1"

    @Test(.enabled(if: enabled, "set DROVER_REAL_SYSTEMD=1 (as root) to boot a real systemd in namespaces"))
    func serveStartsReloadsAndStopsCleanlyUnderTheShippedUnit() async throws {
        let script = ServiceUnitTests.repositoryRoot.appendingPathComponent("systemd/test-in-namespace.sh").path
        let drover = try DroverExecutable.path
        // The script's checks wait 22 s for the watchdog and allow 45 s per stop; 240 s is far above.
        let child = try await ChildProcess.run(script, [drover], environment: [
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "DROVER_REAL_SYSTEMD=1",
        ])
        let exit = try await child.wait(timeout: .seconds(240))
        #expect(exit.isSuccess, "\(exit)\n\(child.standardOutput())\n\(child.standardError())")
        #expect(!child.standardOutput().contains("FAIL:"), "\(child.standardOutput())")
    }
}
