import ArgumentParser
import DroverQueue
import FoundationEssentials

/// `drover dlq list|retry|purge`: the dead-letter queue.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect, retry or purge dead jobs.",
        subcommands: [List.self, Retry.self, Purge.self]
    )

    /// Parses `--type` (a type or a queue name); `nil` means every queue.
    static func types(_ name: String?) throws -> [JobType] {
        guard let name else { return JobType.allCases }
        guard let type = JobType(rawValue: name) ?? JobType(queueName: name) else {
            throw ValidationError("unknown type \(name.debugDescription); expected one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return [type]
    }

    /// `drover dlq list`: the newest dead jobs, one JSON record per line.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead jobs, newest first, one JSON object per line.")
        @OptionGroup var connection: QueueConnectionOptions
        @Option(name: .long, help: "Only this job type or queue.") var type: String?
        @Option(name: .long, help: "At most this many per queue (1...10000).") var limit: Int = 50

        func validate() throws {
            _ = try DeadLetterCommand.types(type)
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1...10000, got \(limit)") }
        }

        func run() async throws {
            let queue = try connection.makeQueue(environment: ProcessInfo.processInfo.environment)
            for type in try DeadLetterCommand.types(self.type) {
                for record in try await queue.deadLetters(of: type, limit: limit) {
                    print(record.json.serialized())
                }
            }
        }
    }

    /// `drover dlq retry ID…`: send dead jobs back to their queue.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send dead jobs back to waiting, with fresh attempts.")
        @OptionGroup var connection: QueueConnectionOptions
        @Argument(help: "Job ids.") var ids: [String] = []
        @Flag(name: .long, help: "Retry every dead job (of --type, or of every queue).") var all = false
        @Option(name: .long, help: "With --all: only this job type.") var type: String?

        func validate() throws {
            if ids.isEmpty && !all {
                throw ValidationError("name the dead jobs to retry, or pass --all to retry every one\(type == nil ? "" : " of --type")")
            }
            if !ids.isEmpty && all { throw ValidationError("name job ids or pass --all, not both") }
            if type != nil && !all { throw ValidationError("--type only narrows --all") }
            for id in ids where JobID(id) == nil {
                throw ValidationError("\(id.debugDescription) is not a job id (expected <type>-<28 hex digits>)")
            }
            _ = try DeadLetterCommand.types(type)
        }

        func run() async throws {
            let queue = try connection.makeQueue(environment: ProcessInfo.processInfo.environment)
            var targets = ids.compactMap(JobID.init)
            if all {
                for type in try DeadLetterCommand.types(self.type) {
                    targets += try await queue.deadLetters(of: type, limit: 1_000_000).map(\.id)
                }
            }
            var failed = 0
            for id in targets {
                if try await queue.retryDeadLetter(id) {
                    print("retried \(id)")
                } else {
                    printError("job \(id) is not in the dead-letter queue")
                    failed += 1
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    /// `drover dlq purge`: delete dead jobs for good.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead jobs for good.")
        @OptionGroup var connection: QueueConnectionOptions
        @Option(name: .long, help: "Only this job type or queue.") var type: String?
        @Flag(name: .long, help: "Confirm: purging cannot be undone.") var yes = false

        func validate() throws {
            _ = try DeadLetterCommand.types(type)
            guard yes else { throw ValidationError("purging deletes dead jobs for good: pass --yes to confirm") }
        }

        func run() async throws {
            let queue = try connection.makeQueue(environment: ProcessInfo.processInfo.environment)
            var total = 0
            for type in try DeadLetterCommand.types(self.type) {
                total += try await queue.purgeDeadLetters(of: type)
            }
            print("purged \(total) dead jobs")
        }
    }
}
