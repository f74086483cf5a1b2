import DroverPosix
import DroverTestSupport
import Foundation
import Testing

@Suite("ChildProcess test helper")
struct ChildProcessTests {
    @Test func outputIsCapturedAndExitReported() async throws {
        let process = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 4"])
        #expect(try await process.wait() == .exited(code: 4))
        #expect(process.standardOutput() == "out\n")
        #expect(process.standardError() == "err\n")
        #expect(!process.isRunning)
    }

    @Test func waitTimesOutWithTheChildsStandardErrorAndTheChildKeepsRunning() async throws {
        let process = try await ChildProcess.run("/bin/sh", ["-c", "echo still-booting >&2; exec sleep 100"])
        #expect(await eventually { process.standardError().contains("still-booting") })
        let error = await #expect(throws: ChildProcessError.self) { try await process.wait(timeout: .milliseconds(300)) }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("still-booting") == true)
        #expect(process.isRunning)
        process.stop()
        #expect(try await process.wait() == .signaled(.sigkill, coreDumped: false))
    }

    @Test func waitingForOutputThatNeverComesReportsTheEarlyExit() async throws {
        let process = try await ChildProcess.run("/bin/sh", ["-c", "echo something-else; echo why >&2; exit 1"])
        let error = await #expect(throws: ChildProcessError.self) {
            try await process.waitForStandardOutput(containing: "ready")
        }
        #expect(error?.code == .exitedEarly)
        #expect(error?.message.contains("why") == true)
    }

    @Test func stopKillsTheWholeProcessGroup() async throws {
        let process = try await ChildProcess.run("/bin/sh", ["-c", "sleep 100 & echo $!; wait"])
        try await process.waitForStandardOutput(containing: "\n")
        let grandchild = try #require(pid_t(process.standardOutput().trimmingCharacters(in: .whitespacesAndNewlines)))
        process.stop()
        #expect(try await process.wait() == .signaled(.sigkill, coreDumped: false))
        #expect(await eventually { isDead(grandchild) })
    }

    @Test func droppingTheProcessKillsIt() async throws {
        var process: ChildProcess? = try await ChildProcess.run("/bin/sleep", ["100"])
        let pid = try #require(process?.pid)
        process = nil
        #expect(await eventually { isDead(pid) })
    }

    @Test func signalsReachTheChild() async throws {
        let process = try await ChildProcess.run("/bin/sleep", ["100"])
        try process.kill(.sigterm)
        #expect(try await process.wait() == .signaled(.sigterm, coreDumped: false))
    }

    @Test func missingProgramIsASpawnError() async throws {
        let error = await #expect(throws: SpawnError.self) {
            try await ChildProcess.run("/nonexistent/drover-nothing")
        }
        #expect(error?.code == .executableNotFound)
    }

    @Test func droverExecutableIsFoundNextToTheTestsOrNamedClearly() throws {
        do {
            let path = try DroverExecutable.path
            #expect(FileManager.default.isExecutableFile(atPath: path))
            #expect(path.hasSuffix("/drover"))
        } catch let error as ChildProcessError {
            // Not built into this scratch path: the message must say how to fix that.
            #expect(error.code == .executableMissing)
            #expect(error.message.contains("swift build"))
        }
    }
}
