import DroverPosix
import Foundation
import Testing

@Suite("Spawning: descriptors, environment, directory")
struct ProcessSpawnerTests {
    @Test func socketEndMappedToFd3IsWritableByTheChild() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        let child = try await watcher.spawn(shell("echo hi >&3", fileDescriptors: [.init(source: theirs, target: 3)]))
        // Our copy of their end must go, or EOF never comes.
        Posix.close(theirs)
        #expect(readUntilEndOfFile(ours) == "hi\n")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func mappingADescriptorOntoItsOwnNumberKeepsItOpenInTheChild() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        #expect(try Posix.isCloseOnExec(theirs))
        let child = try await watcher.spawn(bash("echo same >&\(theirs)", fileDescriptors: [.init(source: theirs, target: theirs)]))
        Posix.close(theirs)
        #expect(readUntilEndOfFile(ours) == "same\n")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func crossedMappingsDoNotOverwriteEachOthersSources() async throws {
        let watcher = try ChildWatcher()
        let (firstOurs, firstTheirs) = try Posix.socketPair()
        let (secondOurs, secondTheirs) = try Posix.socketPair()
        defer { [firstOurs, secondOurs].forEach(Posix.close) }
        // first → second's number and second → first's number: a naive dup2 order clobbers one.
        let child = try await watcher.spawn(bash(
            "echo to-first-number >&\(firstTheirs); echo to-second-number >&\(secondTheirs)",
            fileDescriptors: [
                .init(source: firstTheirs, target: secondTheirs),
                .init(source: secondTheirs, target: firstTheirs),
            ]
        ))
        [firstTheirs, secondTheirs].forEach(Posix.close)
        #expect(readUntilEndOfFile(firstOurs) == "to-second-number\n")
        #expect(readUntilEndOfFile(secondOurs) == "to-first-number\n")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func descriptorsThatAreNotMappedAreNotVisibleInTheChild() async throws {
        let watcher = try ChildWatcher()
        let (closeOnExec, other) = try Posix.socketPair()
        defer { [closeOnExec, other].forEach(Posix.close) }
        // Even one someone left inheritable is closed in the child (closefrom, belt and braces).
        try Posix.setCloseOnExec(other, false)
        let child = try await watcher.spawn(shell(
            "[ -e /proc/self/fd/\(closeOnExec) ] && exit 10; [ -e /proc/self/fd/\(other) ] && exit 11; exit 0"
        ))
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func childSeesOnlyTheDescriptorsItWasGiven() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        // ls runs as the child itself, so /proc/self/fd lists exactly what it inherited plus ls's own dir fd.
        let child = try await watcher.spawn(SpawnRequest(
            executablePath: "/bin/ls",
            arguments: ["/proc/self/fd"],
            environment: shellEnvironment,
            fileDescriptors: [.init(source: theirs, target: 1), .init(source: theirs, target: 5)]
        ))
        Posix.close(theirs)
        let listed = readUntilEndOfFile(ours)?.split(separator: "\n").compactMap { Int32($0) } ?? []
        let inherited = Set(listed).subtracting([0, 2])
        // One extra: the directory fd ls opened to read /proc/self/fd.
        #expect(inherited.subtracting([1, 5]).count == 1, "child saw fds \(listed.sorted())")
        #expect(inherited.isSuperset(of: [1, 5]))
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func environmentIsExactlyTheGivenOne() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        let child = try await watcher.spawn(SpawnRequest(
            executablePath: "/usr/bin/env",
            environment: ["DROVER_A=1", "DROVER_B=two words"],
            fileDescriptors: [.init(source: theirs, target: 1)]
        ))
        Posix.close(theirs)
        #expect(readUntilEndOfFile(ours) == "DROVER_A=1\nDROVER_B=two words\n")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func argumentsArrivePreciselyIncludingArgumentZero() async throws {
        let watcher = try ChildWatcher()
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        let child = try await watcher.spawn(SpawnRequest(
            executablePath: "/bin/sh",
            arguments: ["-c", #"printf '%s|' "$0" "$@" >&3"#, "drover-test", "a b", "", "'quoted'"],
            environment: shellEnvironment,
            fileDescriptors: [.init(source: theirs, target: 3)]
        ))
        Posix.close(theirs)
        #expect(readUntilEndOfFile(ours) == "drover-test|a b||'quoted'|")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func childRunsInTheGivenWorkingDirectory() async throws {
        let watcher = try ChildWatcher()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (ours, theirs) = try Posix.socketPair()
        defer { Posix.close(ours) }
        var request = shell("pwd -P >&3", fileDescriptors: [.init(source: theirs, target: 3)])
        request.workingDirectory = directory
        let child = try await watcher.spawn(request)
        Posix.close(theirs)
        let expected = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(readUntilEndOfFile(ours) == expected + "\n")
        #expect(try await child.exit() == .exited(code: 0))
    }

    @Test func childInANewProcessGroupLeadsIt() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: [], processGroup: .new))
        #expect(try Posix.processGroup(of: child.pid) == child.pid)
        try Posix.killGroup(child.pid, .sigkill)
        #expect(try await child.exit() == .signaled(.sigkill, coreDumped: false))
    }

    @Test func childWithoutAGroupSharesOurs() async throws {
        let watcher = try ChildWatcher()
        let child = try await watcher.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["100"], environment: []))
        #expect(try Posix.processGroup(of: child.pid) == Posix.processGroup(of: 0))
        try Posix.kill(child.pid, .sigkill)
        _ = try await child.exit()
    }
}
