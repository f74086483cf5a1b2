import DroverPosix
import Foundation

/// A program a test runs: spawned through DroverPosix, its stdout and stderr captured to files,
/// and its whole process group killed when the test drops it or calls `stop()`.
public final class ChildProcess: Sendable {
    /// One process-wide watcher reaps every `ChildProcess`; its thread also spawns them, so
    /// children that use `Posix.dieWithParent` are not killed when a cooperative thread retires.
    private static let sharedWatcher: Result<ChildWatcher, PosixError> = Result { () throws(PosixError) in try ChildWatcher() }

    public let pid: pid_t
    /// The child's process group (its own pid), or nil if it shares the test's group.
    public let processGroup: pid_t?
    public let standardOutputPath: String
    public let standardErrorPath: String
    private let child: WatchedChild
    private let outputDirectory: String

    private init(child: WatchedChild, processGroup: pid_t?, outputDirectory: String) {
        self.pid = child.pid
        self.child = child
        self.processGroup = processGroup
        self.outputDirectory = outputDirectory
        self.standardOutputPath = outputDirectory + "/stdout"
        self.standardErrorPath = outputDirectory + "/stderr"
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: outputDirectory)
    }

    /// Starts `executablePath` with stdin from /dev/null and stdout/stderr to files.
    ///
    /// - Parameters:
    ///   - environment: `KEY=VALUE` strings; this process's environment when nil.
    ///   - fileDescriptors: extra descriptors for the child (targets 3 and up).
    ///   - newProcessGroup: put the child in its own group, so `stop()` reaches its whole tree.
    public static func run(
        _ executablePath: String,
        _ arguments: [String] = [],
        environment: [String]? = nil,
        workingDirectory: String? = nil,
        fileDescriptors: [SpawnRequest.FileDescriptorMapping] = [],
        newProcessGroup: Bool = true
    ) async throws -> ChildProcess {
        let watcher = try sharedWatcher.get()
        let directory = try makeOutputDirectory()
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let stdout = open(directory + "/stdout", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let stderr = open(directory + "/stderr", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { [devNull, stdout, stderr].filter { $0 >= 0 }.forEach { Posix.close($0) } }
        guard devNull >= 0, stdout >= 0, stderr >= 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw PosixError(.current, operation: "open(/dev/null or output files in \(directory))")
        }
        let request = SpawnRequest(
            executablePath: executablePath,
            arguments: arguments,
            environment: environment ?? Posix.currentEnvironment(),
            fileDescriptors: [
                .init(source: devNull, target: 0),
                .init(source: stdout, target: 1),
                .init(source: stderr, target: 2),
            ] + fileDescriptors,
            processGroup: newProcessGroup ? .new : nil,
            workingDirectory: workingDirectory
        )
        do {
            let child = try await watcher.spawn(request)
            return ChildProcess(child: child, processGroup: newProcessGroup ? child.pid : nil, outputDirectory: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Waits for the child to exit; throws `ChildProcessError.timedOut` (with its stderr) if it
    /// has not within `timeout`. The child keeps running after a timeout.
    public func wait(timeout: Duration = .seconds(20)) async throws -> ProcessExit {
        if let exit = try await child.exit(timeout: timeout) {
            return exit
        }
        throw ChildProcessError(.timedOut, "process \(pid) did not exit within \(timeout); stderr: \(standardError().suffix(2000))")
    }

    /// The exit if the child has already been reaped; never waits.
    public var exitIfKnown: ProcessExit? { child.exitIfKnown }

    /// Whether the child has not been reaped yet.
    public var isRunning: Bool { !child.isFinished }

    /// Sends `signal` to the child alone.
    public func kill(_ signal: Signal = .sigterm) throws(PosixError) {
        try Posix.kill(pid, signal)
    }

    /// Sends `signal` to the child's whole process group.
    public func killGroup(_ signal: Signal = .sigterm) throws(PosixError) {
        guard let processGroup else {
            preconditionFailure("process \(pid) shares the test's process group; run it with newProcessGroup: true")
        }
        try Posix.killGroup(processGroup, signal)
    }

    /// SIGKILLs the child's process group (or the child, if it has none) unless all are gone.
    /// The watcher reaps the child; this does not wait.
    public func stop() {
        if let processGroup {
            // The group may outlive its leader (a backgrounded grandchild), so signal it regardless.
            try? Posix.killGroup(processGroup, .sigkill)
        } else if isRunning {
            try? Posix.kill(pid, .sigkill)
        }
    }

    /// Everything the child has written to stdout so far.
    public func standardOutput() -> String {
        (try? String(contentsOfFile: standardOutputPath, encoding: .utf8)) ?? ""
    }

    /// Everything the child has written to stderr so far.
    public func standardError() -> String {
        (try? String(contentsOfFile: standardErrorPath, encoding: .utf8)) ?? ""
    }

    /// Polls stdout until it contains `text`; throws `ChildProcessError.timedOut` otherwise,
    /// or `.exitedEarly` if the child exits without writing it.
    public func waitForStandardOutput(containing text: String, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardOutput().contains(text) {
                return
            }
            if let exit = exitIfKnown {
                // Reaped: its output is complete, so one last look decides.
                if standardOutput().contains(text) {
                    return
                }
                throw ChildProcessError(.exitedEarly, "process \(pid) \(exit) without writing \(text.debugDescription); stderr: \(standardError().suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcessError(.timedOut, "process \(pid) did not write \(text.debugDescription) within \(timeout); stderr: \(standardError().suffix(2000))")
    }

    private static func makeOutputDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/drover-child-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw PosixError(.current, operation: "mkdtemp")
        }
        return String(cString: created)
    }
}
