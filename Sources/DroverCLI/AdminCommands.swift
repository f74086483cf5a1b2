import ArgumentParser
import DroverConfig
import DroverControl
import DroverControlSocket
import FoundationEssentials

/// Where the admin commands find a running supervisor.
struct AdminSocketOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file, for supervisor.runtimeDirectory (default: $DROVER_CONFIG).") var config: String?
    @Option(name: .long, help: "The admin socket (default: <supervisor.runtimeDirectory>/admin.sock).") var socket: String?

    func path() throws -> String {
        if let socket { return socket }
        let environment = ProcessInfo.processInfo.environment
        let file = config ?? environment["DROVER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            return AdminEndpoint.socketPath(for: try DroverConfiguration.load(file: file, environment: environment))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Sends a request; a refusal or an unreachable supervisor is a clear message and exit 1.
    func send(_ request: AdminRequest) async throws -> AdminResponse {
        let response: AdminResponse
        do {
            response = try await AdminClient.request(request, socketPath: try path())
        } catch let error as AdminSocketError {
            printError("drover: \(error)")
            throw ExitCode(1)
        }
        if case .error(let message) = response {
            printError("drover: refused: \(message)")
            throw ExitCode(1)
        }
        return response
    }
}

/// `drover status [--json]`: the running supervisor's pool.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the running supervisor's workers.")
    @OptionGroup var admin: AdminSocketOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        guard case .status(let status) = try await admin.send(.status) else { throw ExitCode(1) }
        print(json ? status.jsonText : status.text)
    }
}

/// `drover scale N`: run N workers.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Set the number of workers (within minWorkers…maxWorkers).")
    @OptionGroup var admin: AdminSocketOptions
    @Argument(help: "Workers to run.") var workers: Int

    func validate() throws {
        guard (1...1_024).contains(workers) else { throw ValidationError("workers must be 1...1024, got \(workers)") }
    }

    func run() async throws {
        if case .ok(let message) = try await admin.send(.scale(workers: workers)) { print(message) }
    }
}

/// `drover drain WORKER_ID`: replace one worker, then let it finish its jobs and exit.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Replace a worker, then drain it (its jobs finish first).")
    @OptionGroup var admin: AdminSocketOptions
    @Argument(help: "A worker id (w2.3) or slot (w2), as `drover status` shows.") var worker: String

    func validate() throws {
        guard !worker.isEmpty, worker.utf8.count <= 128, !worker.contains(" ") else {
            throw ValidationError("worker must be an id like w2.3 or a slot like w2")
        }
    }

    func run() async throws {
        if case .ok(let message) = try await admin.send(.drain(workerID: worker)) { print(message) }
    }
}
