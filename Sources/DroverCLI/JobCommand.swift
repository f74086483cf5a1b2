import ArgumentParser
import DroverQueue
import FoundationEssentials
import Glibc

/// `drover job ID`: a job's record as JSON, in the shape of `GET /api/rag/job/{id}`.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "job", abstract: "Print a job as JSON.")

    @OptionGroup var connection: QueueConnectionOptions

    @Argument(help: "The job id, as `drover enqueue` printed it (e.g. noop-0193…).")
    var id: String

    @Flag(name: .long, help: "Cancel the job instead of printing it.")
    var cancel = false

    func validate() throws {
        guard JobID(id) != nil else {
            throw ValidationError("\(id.debugDescription) is not a job id (expected <type>-<28 hex digits>)")
        }
    }

    func run() async throws {
        let queue = try connection.makeQueue(environment: ProcessInfo.processInfo.environment)
        let jobID = JobID(id)!
        if cancel {
            switch try await queue.cancel(jobID) {
            case .cancelled: print("cancelled \(jobID)")
            case .alreadyFinal(let status):
                print("job \(jobID) is already \(status.rawValue)")
                throw ExitCode(1)
            case .notFound:
                printError("job \(jobID) not found")
                throw ExitCode(1)
            }
            return
        }
        guard let record = try await queue.job(jobID) else {
            printError("job \(jobID) not found (unknown, or past its retention)")
            throw ExitCode(1)
        }
        print(record.json.serialized())
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    var stream = StandardError()
    print(message, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        writeStandardError(string)
    }
}

/// Writes the whole string to fd 2 (one `write` per call, so lines from threads do not interleave).
func writeStandardError(_ string: String) {
    var text = string
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}
