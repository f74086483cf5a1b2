import DroverPosix
import DroverTestSupport
import Foundation
import Testing

@Suite("Child exit watching")
struct ChildWatcherTests {
    @Test func exitCodeIsReported() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(shell("exit 3"))
        #expect(try await child.exit() == .exited(code: 3))
    }

    @Test func childKilledWithSIGKILLIsReportedAsSignaled() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        try Posix.kill(child.pid, .sigkill)
        let exit = try await child.exit()
        #expect(exit == .signaled(.sigkill, coreDumped: false))
        #expect(exit.description == "killed by SIGKILL")
    }

    @Test func twentyChildrenExitingInRandomOrderAreAllReportedWithTheirCodes() async throws {
        let watcher = try ChildWatcher()
        let exits = watcher.exits()
        var expected: [pid_t: Int32] = [:]
        var children: [WatchedChild] = []
        for code in Int32(1)...20 {
            let delay = Double.random(in: 0...0.3)
            let child = try await watcher.spawn(shell("sleep \(delay); exit \(code)"))
            expected[child.pid] = code
            children.append(child)
        }

        var seen: [pid_t: Int32] = [:]
        for await event in exits {
            guard case .success(.exited(let code)) = event.result else {
                Issue.record("child \(event.pid) ended unexpectedly: \(event.result)")
                break
            }
            seen[event.pid] = code
            if seen.count == expected.count {
                break
            }
        }
        #expect(seen == expected)
        for child in children {
            #expect(try await child.exit() == .exited(code: expected[child.pid]!))
        }
        #expect(watcher.watchedCount == 0)
    }

    @Test func childThatExitedBeforeWatchIsStillReported() async throws {
        let watcher = try ChildWatcher()
        let pid = try ProcessSpawner.spawn(shell("exit 7"))
        // It stays a zombie until reaped, whatever the delay before watching.
        #expect(await eventually { processState(pid) == "Z" })
        let child = try watcher.watch(pid)
        #expect(try await child.exit() == .exited(code: 7))
        #expect(processState(pid) == nil)
    }

    @Test func exitIsKeptForLateAndRepeatedAsks() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(shell("exit 5"))
        #expect(try await child.exit() == .exited(code: 5))
        #expect(try await child.exit() == .exited(code: 5))
        #expect(child.exitIfKnown == .exited(code: 5))
        #expect(child.isFinished)
    }

    @Test func watchingTheSamePidTwiceGivesTheSameChild() async throws {
        let watcher = try ChildWatcher()
        let pid = try ProcessSpawner.spawn(shell("sleep 0.2; exit 4"))
        let first = try watcher.watch(pid)
        let second = try watcher.watch(pid)
        #expect(first === second)
        #expect(try await second.exit() == .exited(code: 4))
    }

    @Test func watchingAProcessThatIsNotOurChildIsRefused() throws {
        let watcher = try ChildWatcher()
        let error = #expect(throws: ChildWatchError.self) { try watcher.watch(1) }
        #expect(error?.code == .notAChild)
    }

    @Test func watchingAPidThatDoesNotExistIsRefused() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(shell("exit 0"))
        _ = try await child.exit()
        // Reaped, so the pid names nothing (pids are not reused this quickly).
        let error = #expect(throws: ChildWatchError.self) { try watcher.watch(child.pid) }
        #expect(error?.code == .noSuchProcess)
    }

    @Test func timedWaitReturnsNilAndLeavesTheChildWatched() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        #expect(try await child.exit(timeout: .milliseconds(50)) == nil)
        try Posix.kill(child.pid, .sigterm)
        #expect(try await child.exit(timeout: .seconds(20)) == .signaled(.sigterm, coreDumped: false))
    }

    @Test func cancelledWaitThrowsCancelledAndTheExitIsStillReportedLater() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        let waiter = Task { try await child.exit() }
        waiter.cancel()
        let error = await #expect(throws: ChildWatchError.self) { try await waiter.value }
        #expect(error?.code == .cancelled)
        try Posix.kill(child.pid, .sigkill)
        #expect(try await child.exit() == .signaled(.sigkill, coreDumped: false))
    }

    @Test func stoppingTheWatcherFailsWaitersSpawnsAndWatches() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        let exits = watcher.exits()
        watcher.stop()
        let error = await #expect(throws: ChildWatchError.self) { try await child.exit() }
        #expect(error?.code == .watcherStopped)
        let spawnError = await #expect(throws: SpawnError.self) { try await watcher.spawn(shell("exit 0")) }
        #expect(spawnError?.code == .spawnFailed)
        var events = 0
        for await _ in exits {
            events += 1
        }
        #expect(events == 0)
        // Nobody reaps it now; clean up by hand.
        try Posix.kill(child.pid, .sigkill)
        var status: Int32 = 0
        #expect(waitpid(child.pid, &status, 0) == child.pid)
    }

    @Test func stoppedChildIsNotAnExit() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        try Posix.kill(child.pid, .sigstop)
        #expect(await eventually { processState(child.pid) == "T" })
        #expect(try await child.exit(timeout: .milliseconds(100)) == nil)
        #expect(watcher.watchedCount == 1)
        try Posix.kill(child.pid, .sigkill)
        #expect(try await child.exit() == .signaled(.sigkill, coreDumped: false))
        #expect(watcher.watchedCount == 0)
    }
}
