import DroverPosix
import DroverTestSupport
import Foundation
import Testing

/// `systemd/drover.service`, checked by systemd's own verifier and against DESIGN.md's contract.
@Suite("systemd unit file")
struct ServiceUnitTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let unitPath = repositoryRoot.appendingPathComponent("systemd/drover.service").path
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    /// SupervisorConfiguration's default `drainTimeoutS`; the unit must give a drain longer than this.
    static let defaultDrainTimeoutSeconds = 30

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze),
                   "systemd-analyze is not installed (apt-get install systemd)"))
    func unitPassesSystemdAnalyzeVerifyWithoutAWord() async throws {
        let stderr = try await verify(try installableUnit())
        #expect(stderr == "")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze),
                   "systemd-analyze is not installed (apt-get install systemd)"))
    func verifyReportsABrokenUnitOnStandardError() async throws {
        // systemd-analyze exits 0 on some errors, so stderr is what the check above relies on;
        // this shows that a broken unit does produce output there.
        let broken = try installableUnit()
            .replacingOccurrences(of: "KillMode=mixed", with: "KillMode=mixd")
            .replacingOccurrences(of: "WatchdogSec=10", with: "WatchdogSecs=10")
        let stderr = try await verify(broken)
        #expect(stderr.contains("mixd"))
        #expect(stderr.contains("WatchdogSecs"))
    }

    @Test func unitDeclaresTheDesignContract() throws {
        let service = try serviceSection(of: String(contentsOfFile: Self.unitPath, encoding: .utf8))
        #expect(service["Type"] == ["notify"])
        #expect(service["NotifyAccess"] == ["main"])
        #expect(service["ExecStart"]?.first?.hasPrefix("/usr/local/bin/drover serve") == true)
        #expect(service["ExecReload"] == ["/bin/kill -HUP $MAINPID"])
        #expect(service["KillMode"] == ["mixed"])
        #expect(service["KillSignal"] == ["SIGTERM"])
        let stopTimeout = try #require(service["TimeoutStopSec"]?.first.flatMap { Int($0) })
        #expect(stopTimeout > Self.defaultDrainTimeoutSeconds)
        #expect(service["WatchdogSec"]?.first.flatMap { Int($0) }.map { $0 > 0 } == true)
        #expect(service["Restart"] == ["on-failure"])
        #expect(service["RuntimeDirectory"] == ["drover"])
        #expect(service["StateDirectory"] == ["drover"])
        for (key, value) in [
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
            ("PrivateTmp", "yes"), ("PrivateDevices", "yes"), ("CapabilityBoundingSet", ""),
            ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"), ("SystemCallFilter", "@system-service"),
            ("MemoryDenyWriteExecute", "yes"), ("SystemCallArchitectures", "native"),
        ] {
            #expect(service[key] == [value], "\(key)")
        }
    }

    /// The shipped unit with ExecStart pointing at /bin/true: `verify` fails a unit whose binary is
    /// missing, and /usr/local/bin/drover is not installed on a build machine. The rest is verbatim.
    private func installableUnit() throws -> String {
        let unit = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let exec = "ExecStart=/usr/local/bin/drover "
        try #require(unit.contains(exec))
        return unit.replacingOccurrences(of: exec, with: "ExecStart=/bin/true ")
    }

    /// Runs `systemd-analyze verify` on `unit` saved as drover.service; returns its stderr.
    private func verify(_ unit: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("drover.service").path
        try unit.write(toFile: path, atomically: true, encoding: .utf8)
        // An explicit environment: the notifier tests change this process's at the same time.
        let child = try await ChildProcess.run(Self.systemdAnalyze, ["verify", path], environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"])
        let exit = try await child.wait(timeout: .seconds(60))
        let stderr = child.standardError()
        #expect(exit.isSuccess || !stderr.isEmpty, "systemd-analyze \(exit) with an empty stderr")
        return stderr
    }

    /// The `[Service]` section's assignments, each key's values in order.
    private func serviceSection(of unit: String) throws -> [String: [String]] {
        var section = ""
        var values: [String: [String]] = [:]
        for rawLine in unit.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty {
                continue
            }
            if line.hasPrefix("[") {
                section = line
                continue
            }
            guard section == "[Service]" else { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            try #require(parts.count == 2, "not a key=value line: \(line)")
            values[String(parts[0]), default: []].append(String(parts[1]))
        }
        return values
    }
}
