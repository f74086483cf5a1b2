import DroverPosix
import DroverTestSupport
import Foundation
import Testing

@Suite("Signals and process groups")
struct SignalTests {
    @Test func killingAProcessGroupEndsTheChildAndItsChildren() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        let child = try await watcher.spawn(shell(
            // The background sleep must not hold fd 3, or we would wait for its EOF forever.
            "sleep 100 3>&- & echo $! >&3; exec 3>&-; wait",
            fileDescriptors: [.init(source: theirs, target: 3)],
            processGroup: .new
        ))
        Posix.close(theirs)
        let grandchild = try #require(readUntilEndOfFile(ours).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(try Posix.processGroup(of: grandchild) == child.pid)

        try Posix.killGroup(child.pid, .sigkill)

        #expect(try await child.exit() == .signaled(.sigkill, coreDumped: false))
        #expect(await eventually { isDead(grandchild) })
    }

    @Test func killGroupOfAnEmptyGroupSaysNoSuchProcess() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sh", arguments: ["-c", "exit 0"], environment: [], processGroup: .new))
        _ = try await child.exit()
        let error = #expect(throws: PosixError.self) { try Posix.killGroup(child.pid, .sigterm) }
        #expect(error?.code == .noSuchProcess)
    }

    @Test func killOfAReapedChildSaysNoSuchProcess() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(shell("exit 0"))
        _ = try await child.exit()
        let error = #expect(throws: PosixError.self) { try Posix.kill(child.pid, .sigterm) }
        #expect(error?.code == .noSuchProcess)
        #expect(error?.message.contains("kill(\(child.pid), SIGTERM)") == true)
        #expect(!Posix.processExists(child.pid))
    }

    @Test func signalsBlockedInTheSpawningThreadAreUnblockedInTheChild() async throws {
        let watcher = try ChildWatcher()
        // Spawned from a thread that blocks SIGTERM...
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        let spawned = Result { () throws(SpawnError) in
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        let child = try watcher.watch(try spawned.get())
        // ...the child still dies of it.
        try Posix.kill(child.pid, .sigterm)
        #expect(try await child.exit() == .signaled(.sigterm, coreDumped: false))
    }

    @Test func childrenOfTheWatcherThreadTakeSignalsDespiteItsFullMask() async throws {
        // The watcher's thread blocks every signal; its children must not inherit that.
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        try Posix.kill(child.pid, .sigint)
        #expect(try await child.exit() == .signaled(.sigint, coreDumped: false))
    }

    @Test func signalsIgnoredByTheParentAreDefaultInTheChild() async throws {
        let watcher = try ChildWatcher()
        // SIGUSR2 is unused by the test runner; ignore it only for the spawn.
        let previous = signal(SIGUSR2, SIG_IGN)
        let spawned = Result { () throws(SpawnError) in
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        }
        signal(SIGUSR2, previous)
        let child = try watcher.watch(try spawned.get())
        try Posix.kill(child.pid, .sigusr2)
        #expect(try await child.exit() == .signaled(.sigusr2, coreDumped: false))
    }

    @Test func signalNamesAreReadable() {
        #expect(Signal.sigterm.description == "SIGTERM")
        #expect(Signal(rawValue: SIGKILL) == .sigkill)
        #expect(Signal(rawValue: 40).description == "signal 40")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func deathSignalFollowsTheWatcherThreadThatSpawned() async throws {
        // setpriv sets PR_SET_PDEATHSIG, then execs sleep: the kernel ties that signal to the
        // spawning *thread*, here the watcher's, so only stopping the watcher fires it.
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(
            executablePath: "/usr/bin/setpriv",
            arguments: ["--pdeathsig", "KILL", "--", "/bin/sleep", "100"],
            environment: shellEnvironment
        ))
        #expect(await eventually { (try? String(contentsOfFile: "/proc/\(child.pid)/comm", encoding: .utf8)) == "sleep\n" })
        try await Task.sleep(for: .milliseconds(200))
        #expect(child.exitIfKnown == nil, "the child died while its spawning thread lived")
        watcher.stop()
        // The watcher no longer reaps, so we do.
        #expect(await eventually { processState(child.pid) == "Z" })
        var status: Int32 = 0
        #expect(waitpid(child.pid, &status, 0) == child.pid)
        #expect(status & 0x7f == SIGKILL)
    }
}
