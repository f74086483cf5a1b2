@testable import DroverPosix
import DroverTestSupport
import Foundation
import Testing

@Suite("/proc readings")
struct ProcessStatsTests {
    @Test func residentSizeOfThisProcessIsPositive() throws {
        let bytes = try #require(ProcessStats.residentBytes(of: getpid()))
        #expect(bytes > 0)
        #expect(bytes % ProcessStats.pageSize == 0)
    }

    @Test func oneStatReadGivesTheSameResidentSizeAsStatmAndTheCPUTime() throws {
        // Touch 64 MiB so the resident size is far above any drift between the two reads.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        for offset in stride(from: 0, to: buffer.count, by: 4096) { buffer[offset] = 1 }
        let sample = try #require(ProcessStats.sample(of: getpid()))
        let statm = try #require(ProcessStats.residentBytes(of: getpid()))
        #expect(sample.residentBytes >= 64 << 20)
        #expect(abs(sample.residentBytes - statm) < 8 << 20)
        #expect(sample.cpuTicks >= 0)
    }

    @Test func theStatLineIsReadFromTheLastParenthesisSoOddCommandNamesCannotShiftFields() {
        let line = "42 (a) b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 5 0 0 20 0 1 0 100 1000000 250 18446744073709551615 0\n"
        let fields = ProcessStats.parseStat(Array(line.utf8))
        #expect(fields?.cpuTicks == 12)
        #expect(fields?.residentPages == 250)
        #expect(ProcessStats.parseStat(Array("42 (truncated".utf8)) == nil)
        #expect(ProcessStats.parseStat(Array("42 (x) S 1 2".utf8)) == nil)
    }

    @Test func readingsOfAReapedProcessAreNil() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(shell("exit 0"))
        _ = try await child.exit()
        #expect(ProcessStats.residentBytes(of: child.pid) == nil)
        #expect(ProcessStats.cpuTimeTicks(of: child.pid) == nil)
        #expect(ProcessStats.cpuSeconds(of: child.pid) == nil)
        #expect(ProcessStats.sample(of: child.pid) == nil)
    }

    @Test func readingsOfAPidThatCannotExistAreNil() {
        // Above the largest possible pid_max (2^22).
        #expect(ProcessStats.residentBytes(of: 1 << 23) == nil)
        #expect(ProcessStats.cpuTimeTicks(of: 1 << 23) == nil)
    }

    @Test func cpuTimeOfThisProcessGrowsWithWork() async throws {
        let before = try #require(ProcessStats.cpuTimeTicks(of: getpid()))
        // Burn CPU until at least one tick more is recorded, bounded in time.
        let deadline = ContinuousClock.now + .seconds(20)
        var after = before
        var sink: UInt64 = 0
        while after <= before && ContinuousClock.now < deadline {
            for index in 0..<2_000_000 {
                sink &+= UInt64(index) &* 2_654_435_761
            }
            after = ProcessStats.cpuTimeTicks(of: getpid()) ?? before
        }
        #expect(sink != 1)
        #expect(after > before)
        #expect(try #require(ProcessStats.cpuSeconds(of: getpid())) > 0)
    }

    @Test func cpuTimeParsesForAProcessWhoseNameHasSpacesAndParentheses() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a) b ) 1 2"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: path)
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: path, arguments: ["100"], environment: []))
        defer { try? Posix.kill(child.pid, .sigkill) }
        #expect(await eventually { (try? String(contentsOfFile: "/proc/\(child.pid)/comm", encoding: .utf8)) == "a) b ) 1 2\n" })
        let ticks = try #require(ProcessStats.cpuTimeTicks(of: child.pid))
        #expect(ticks >= 0)
        #expect(try #require(ProcessStats.residentBytes(of: child.pid)) > 0)
    }

    @Test func statParsingCountsFieldsFromTheLastParenthesis() {
        let line = "4242 (x) S 1 2 (y) R 1 7 7 0 -1 4194560 100 0 0 0 25 17 0 0 20 0 1 0 12345 1000 50\n"
        #expect(ProcessStats.parseCPUTimeTicks(stat: Array(line.utf8)) == 42)
        #expect(ProcessStats.parseCPUTimeTicks(stat: Array("4242 (x".utf8)) == nil)
        #expect(ProcessStats.parseCPUTimeTicks(stat: Array("4242 (x) S 1 2".utf8)) == nil)
        #expect(ProcessStats.parseCPUTimeTicks(stat: []) == nil)
    }

    @Test func onlineCPUCountIsAtLeastOne() {
        #expect(ProcessStats.onlineCPUCount() >= 1)
        #expect(ProcessStats.clockTicksPerSecond > 0)
    }

    @Test func currentExecutablePathNamesThisRunningBinary() throws {
        let path = try Posix.currentExecutablePath()
        #expect(path.hasPrefix("/"))
        #expect(FileManager.default.isExecutableFile(atPath: path))
    }
}
