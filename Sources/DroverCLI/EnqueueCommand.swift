import ArgumentParser
import DroverQueue
import DroverRedisQueue
import DroverWebhooks
import FoundationEssentials

/// `drover enqueue`: submit one job, or many from an NDJSON file in pipelined batches.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a job (or every line of an NDJSON file).",
        discussion: """
            Examples:
              drover enqueue noop --payload '{"sleepMs": 5}'
              drover enqueue ask --query "What is RAG?" --user u1 --priority high --wait
              drover enqueue --file jobs.ndjson      # one {"type": "noop", "sleepMs": 5, …} per line
            """
    )

    @OptionGroup var connection: QueueConnectionOptions

    @Argument(help: "Job type: ask, search, batch, index, evaluate or noop (not with --file).")
    var type: String?

    @Option(name: .long, help: "The query (sets payload.query).")
    var query: String?

    @Option(name: .long, help: "The user id (sets payload.userId).")
    var user: String?

    @Option(name: .long, help: "high, normal or low.")
    var priority: String?

    @Option(name: .long, help: "The job body as a JSON object; --query and --user are merged into it.")
    var payload: String?

    @Option(name: .long, help: "An NDJSON file: one job body with its `type` per line.")
    var file: String?

    @Flag(name: .long, help: "Wait until the job finishes and print its record.")
    var wait = false

    @Option(name: .long, help: "With --wait: give up after this many seconds.")
    var waitTimeout: Int = 60

    @Flag(name: .long, help: "Send jobs with a userId to the shared queue instead of asking the supervisor for the user's worker.")
    var noSticky = false

    func validate() throws {
        if file != nil {
            guard type == nil, query == nil, user == nil, payload == nil, priority == nil else {
                throw ValidationError("--file takes the type and fields from each line; do not pass a type, --query, --user, --priority or --payload with it")
            }
            guard !wait else { throw ValidationError("--wait works with a single job, not --file") }
        } else {
            guard let type else { throw ValidationError("missing job type (ask, search, batch, index, evaluate, noop), or --file") }
            guard JobType(rawValue: type) != nil else {
                throw ValidationError("unknown job type \(type.debugDescription); expected one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        guard (1...86_400).contains(waitTimeout) else { throw ValidationError("--wait-timeout must be 1...86400 seconds") }
    }

    func run() async throws {
        let queue = try connection.makeQueue(environment: ProcessInfo.processInfo.environment)
        if let file {
            try await enqueueFile(file, into: queue)
        } else {
            try await enqueueOne(into: queue)
        }
    }

    private func enqueueOne(into queue: RedisJobQueue) async throws {
        var body: [String: JSONValue] = [:]
        if let payload {
            let parsed: JSONValue
            do {
                parsed = try JSONValue(parsing: payload)
            } catch {
                throw ValidationError("--payload is not valid JSON: \(error)")
            }
            guard let object = parsed.objectValue else { throw ValidationError("--payload must be a JSON object") }
            body = object
        }
        if let query { body["query"] = .string(query) }
        if let user { body["userId"] = .string(user) }
        if let priority { body["priority"] = .string(priority) }
        var requests: [JobRequest]
        do {
            requests = [try JobRequest(body: .object(body), type: JobType(rawValue: type!)!)]
        } catch {
            throw ValidationError(error.message)
        }
        try route(&requests)
        let request = requests[0]
        let events = wait ? try await queue.events(of: [request.type]) : nil
        let receipt = try await queue.enqueue([request])[0]
        guard let events else {
            print(JSONValue.object(["jobId": .string(receipt.id.rawValue), "duplicate": .bool(receipt.duplicate)]).serialized())
            return
        }
        let record = try await JobWaiter.waitForFinal(receipt.id, queue: queue, events: events, timeout: .seconds(waitTimeout))
        print(record.json.serialized())
        if record.status != .completed { throw ExitCode(1) }
    }

    private func enqueueFile(_ path: String, into queue: RedisJobQueue) async throws {
        var requests = try NDJSONJobFile.read(path)
        let started = ContinuousClock.now
        try route(&requests)
        var duplicates = 0
        // Batches keep memory flat for big files while each batch is still one pipelined round trip.
        let batch = 10_000
        var index = 0
        while index < requests.count {
            let slice = Array(requests[index..<min(index + batch, requests.count)])
            duplicates += try await queue.enqueue(slice).filter(\.duplicate).count
            index += batch
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let rate = seconds > 0 ? Int(Double(requests.count) / seconds) : requests.count
        print("enqueued \(requests.count) jobs (\(duplicates) duplicates) in \(DecimalText.fixed(seconds, 3)) s: \(rate) jobs/s")
    }

    /// Webhook checks and sticky routing, as the HTTP API does them: a webhook the policy refuses
    /// stops the whole submission before anything is queued; each user's jobs go to the worker the supervisor names.
    private func route(_ requests: inout [JobRequest]) throws {
        let configuration = try connection.configuration(environment: ProcessInfo.processInfo.environment)
        let policy = WebhookPolicy(allowHosts: configuration.http.webhooks.allowHosts)
        for (index, request) in requests.enumerated() {
            guard let webhook = request.webhook else { continue }
            do {
                _ = try policy.validate(webhook)
            } catch {
                throw ValidationError(requests.count == 1 ? error.message : "job #\(index + 1): \(error.message); nothing was enqueued")
            }
        }
        guard !noSticky, configuration.routing.sticky else { return }
        if let note = StickyRoutes.assign(&requests, socketPath: AdminEndpoint.socketPath(for: configuration)) {
            printError("drover enqueue: \(note)")
        }
    }
}
