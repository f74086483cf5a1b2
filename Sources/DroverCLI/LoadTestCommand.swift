import ArgumentParser
import DroverLoadTest

/// `drover loadtest URL`: HTTP load against a running API, with exact latency percentiles.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Send HTTP load to a Drover API and print P50/P95/P99/max, throughput and answers by status.",
        discussion: """
            A base URL (http://127.0.0.1:8080) posts jobs to /api/rag/<type>?mode=<mode> with the body
            {"query":"loadtest {{n}}","sleepMs":0}; a URL with a path is used as given. In --body, {{n}}
            becomes each request's number, so that the queue's dedup does not fold equal bodies into one job.
            Closed loop by default: N keep-alive connections, each sending its next request once the last
            is answered. With --rate, open loop: requests start on schedule, at most N in flight, and each
            latency counts from its scheduled time. Plain http only (no TLS).
            Exit status: 0 when every request got an answer (of any status), 1 when some failed.
            """
    )

    @Argument(help: "The API's base URL, or a full URL to send to.") var url: String
    @Option(name: .long, help: "Connections, and requests in flight at most (1...10000).") var concurrency: Int = 10
    @Option(name: .long, help: "Seconds to run (up to 86400).") var duration: Double = 10
    @Option(name: .long, help: "Job type for a base URL.") var type: String = "noop"
    @Option(name: .long, help: "sync or async, for a base URL; default: the server decides.") var mode: String?
    @Option(name: .long, help: "high, normal or low, added to the default body.") var priority: String?
    @Option(name: .long, help: "The JSON body; {{n}} stands for the request's number.") var body: String?
    @Option(name: .long, help: "Bearer token for the API.") var token: String?
    @Option(name: .long, help: "Open loop: requests per second.") var rate: Double?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let options: LoadTestOptions
        do {
            options = try LoadTestOptions.forCommandLine(
                url: url, type: type, mode: mode, priority: priority, body: body, token: token,
                concurrency: concurrency, durationSeconds: duration, rate: rate)
        } catch {
            throw ValidationError(error.description)
        }
        let report = await LoadTest(options: options).run()
        print(json ? report.json.serialized(sortedKeys: true) : report.text)
        if report.errorCount > 0 { throw ExitCode(1) }
    }
}

/// `drover loadtest-target`: a trivial HTTP server that answers 202 at once, to measure the load
/// generator's own ceiling on this machine. Hidden: a measuring tool, not part of the product.
struct LoadTestTargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest-target",
        abstract: "Serve 202 {\"status\":\"queued\"} to every request, to measure `drover loadtest` itself.",
        shouldDisplay: false
    )

    @Option(name: .long, help: "Port on 127.0.0.1 (0: any free port, printed).") var port: Int = 0
    @Option(name: .long, help: "Event loop threads (1...64).") var threads: Int = 1

    func run() async throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
        let server = try await TrivialHTTPServer.start(host: "127.0.0.1", port: port, threads: threads)
        print("listening on http://127.0.0.1:\(server.port)")
        try await server.wait()
    }
}
