import DroverConfig
import Foundation
import Testing

/// Runs the real `drover` binary that the test build puts next to the test bundle.
@Suite("drover config, end to end")
struct ConfigCommandTests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `drover` beside the running test bundle (`/proc/self/exe`), or a failure saying how to build it.
    static func droverBinary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let binary = exe.deletingLastPathComponent().appendingPathComponent("drover")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            """
            no drover binary at \(binary.path); build it first with \
            `swift build --scratch-path <path> --product drover` (or --build-tests, which builds it too)
            """)
        return binary
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try Self.droverBinary()
        process.arguments = arguments
        // A clean environment, so DROVER_* variables of whoever runs the tests do not leak in.
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child forever.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func checkAcceptsTheShippedFile() throws {
        let outcome = try run(["config", "check", ConfigFixture.shippedFile])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("ok: \(ConfigFixture.shippedFile)"))
        #expect(outcome.stderr.isEmpty)
    }

    @Test func checkNamesTheBadKeyAndLineAndExitsOne() throws {
        let fixture = try ConfigFixture()
        let file = try fixture.file("supervisor:\n  minWorkers: 1\n  maxWorker: 4\n")
        let outcome = try run(["config", "check", file])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == "error: \(file): supervisor.maxWorker: unknown key; did you mean maxWorkers? (line 3)\n")
    }

    @Test func checkReportsAMissingFile() throws {
        let outcome = try run(["config", "check", "/nonexistent/drover.yaml"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "error: /nonexistent/drover.yaml: no such file\n")
    }

    @Test func checkAppliesTheEnvironmentUnlessTold() throws {
        let environment = ["DROVER_SUPERVISOR_CONCURRENCY": "lots"]
        let applied = try run(["config", "check", ConfigFixture.shippedFile], environment: environment)
        #expect(applied.status == 1)
        #expect(applied.stderr.contains("from environment variable DROVER_SUPERVISOR_CONCURRENCY"))
        let ignored = try run(["config", "check", "--ignore-environment", ConfigFixture.shippedFile], environment: environment)
        #expect(ignored.status == 0)
    }

    @Test func checkWarnsAboutMisspelledDroverVariablesButPasses() throws {
        let outcome = try run(["config", "check", ConfigFixture.shippedFile], environment: ["DROVER_SUPERVISOR_MAX_WORKER": "3"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == """
            warning: environment variable DROVER_SUPERVISOR_MAX_WORKER is not a Drover setting; \
            did you mean DROVER_SUPERVISOR_MAX_WORKERS?

            """)
    }

    @Test func checkWithoutAFileIsAUsageError() throws {
        let outcome = try run(["config", "check"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("Missing expected argument"))
    }

    @Test func showPrintsEveryKeyWithTheEnvironmentAppliedAndTheTokenMasked() throws {
        let outcome = try run(["config", "show", ConfigFixture.shippedFile], environment: [
            "DROVER_HTTP_AUTH_TOKEN": "s3cret-token", "DROVER_SUPERVISOR_CONCURRENCY": "9", "RAG_PROCESSING_MODE": "single",
        ])
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("supervisor.concurrency: 9"))
        #expect(lines.contains("mode: single"))
        #expect(lines.contains("redis.url: \"\""))
        #expect(lines.contains("http.auth.token: \"<set, hidden>\""))
        #expect(!outcome.stdout.contains("s3cret-token"))
        // One line per known key, after the header comment.
        #expect(lines.filter { !$0.hasPrefix("#") }.map { String($0.prefix { $0 != ":" }) } == DroverConfiguration.knownKeyPaths)
    }

    @Test func showWithoutAFileShowsTheDefaults() throws {
        let outcome = try run(["config", "show"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("supervisor.concurrency: 3\n"))
        #expect(outcome.stdout.contains("queues.names: rag:ask,rag:search,rag:batch,rag:index,rag:evaluate,rag:noop\n"))
    }
}
