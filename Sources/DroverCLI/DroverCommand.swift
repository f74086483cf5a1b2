import ArgumentParser

/// The `drover` command line: every subcommand hangs off this root.
public struct DroverCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "drover",
        abstract: "Drover: the job queue and worker supervisor of a RAG service.",
        subcommands: [
            ServeCommand.self,
            StatusCommand.self,
            ScaleCommand.self,
            DrainCommand.self,
            EnqueueCommand.self,
            JobCommand.self,
            DeadLetterCommand.self,
            WorkerCommand.self,
            BenchCommand.self,
            ConfigCommand.self,
            LoadTestCommand.self,
            LoadTestTargetCommand.self,
        ]
    )
    public init() {}
}

/// The executable's entry point: parses the command line and runs the chosen command.
public func runDrover() async {
    await DroverCommand.main()
}
