import DroverPosix
import Foundation
import Testing

@Suite("Spawning: bad requests get clear errors")
struct SpawnErrorTests {
    @Test func missingExecutableIsExecutableNotFound() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "/nonexistent/drover-nothing", environment: []))
        }
        #expect(error?.code == .executableNotFound)
        #expect(error?.errno == .noSuchFileOrDirectory)
        #expect(error?.description.contains("/nonexistent/drover-nothing") == true)
    }

    @Test func relativeNameIsNotLookedUpInPath() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "sh-that-is-not-here", environment: shellEnvironment))
        }
        #expect(error?.code == .executableNotFound)
    }

    @Test func fileWithoutExecutePermissionIsPermissionDenied() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/not-executable"
        try "#!/bin/sh\nexit 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: path, environment: []))
        }
        #expect(error?.code == .permissionDenied)
    }

    @Test func directoryAsExecutableIsPermissionDenied() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "/tmp", environment: []))
        }
        #expect(error?.code == .permissionDenied)
    }

    @Test func missingWorkingDirectoryIsAFileActionFailureNotAMissingExecutable() throws {
        var request = shell("exit 0")
        request.workingDirectory = "/nonexistent/drover-directory"
        let error = #expect(throws: SpawnError.self) { try ProcessSpawner.spawn(request) }
        #expect(error?.code == .fileActionsFailed)
        #expect(error?.message.contains("/nonexistent/drover-directory") == true)
    }

    @Test func closedSourceDescriptorIsAFileActionFailure() throws {
        // Never opened (a just-closed number could be reused by a test running alongside).
        let neverOpened: Int32 = 999_999
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(shell("exit 0", fileDescriptors: [.init(source: neverOpened, target: 3)]))
        }
        #expect(error?.code == .fileActionsFailed)
        #expect(error?.errno == .badFileDescriptor)
    }

    @Test func sameTargetTwiceIsAnInvalidRequest() throws {
        let (first, second) = try Posix.socketPair()
        defer { [first, second].forEach(Posix.close) }
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(shell("exit 0", fileDescriptors: [.init(source: first, target: 3), .init(source: second, target: 3)]))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test func negativeDescriptorIsAnInvalidRequest() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(shell("exit 0", fileDescriptors: [.init(source: -1, target: 3)]))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test func environmentEntryWithoutEqualsSignIsAnInvalidRequest() throws {
        for entry in ["JUSTANAME", "=value"] {
            let error = #expect(throws: SpawnError.self) {
                try ProcessSpawner.spawn(SpawnRequest(executablePath: "/bin/sh", arguments: ["-c", "exit 0"], environment: [entry]))
            }
            #expect(error?.code == .invalidRequest)
        }
    }

    @Test func nulByteInAnArgumentIsAnInvalidRequest() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "/bin/sh", arguments: ["-c", "exit 0\0; rm -rf /"], environment: []))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test func emptyExecutablePathIsAnInvalidRequest() throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executablePath: "", environment: []))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test func failedSpawnThroughTheWatcherLeavesNothingWatched() async throws {
        let watcher = try ChildWatcher()
        let error = await #expect(throws: SpawnError.self) {
            try await watcher.spawn(SpawnRequest(executablePath: "/nonexistent/drover-nothing", environment: []))
        }
        #expect(error?.code == .executableNotFound)
        #expect(watcher.watchedCount == 0)
        // The watcher still works afterwards.
        #expect(try await watcher.spawn(shell("exit 2")).exit() == .exited(code: 2))
    }
}
