import DroverJSON
import DroverControl
import Testing

@Suite("Admin protocol")
struct AdminProtocolTests {
    static let status = PoolStatus(
        mode: "multi",
        desiredWorkers: 3,
        workers: [
            WorkerStatus(id: "w-1", pid: 1234, state: "ready", activeJobs: 2, completedJobs: 10, failedJobs: 1,
                         avgLatencyMs: 12.5, memoryUsageMB: 130.25, cpuPercent: 45, uptimeSeconds: 3600.5,
                         lastHeartbeatAgoMs: 800, restarts: 2),
            WorkerStatus(id: "w-\"2\"\n", pid: 1235, state: "booting"),
        ],
        degradedReason: nil,
        queueDepth: 17
    )

    @Test func everyRequestSurvivesARoundTrip() throws {
        for request in [AdminRequest.status, .scale(workers: 0), .scale(workers: 12), .drain(workerID: "w-1"), .route(userIDs: ["u1", "ü \"2\""]), .route(userIDs: [])] {
            #expect(try AdminRequest(jsonLine: request.jsonLine) == request)
            #expect(!request.jsonLine.contains("\n"))
        }
    }

    @Test func everyResponseSurvivesARoundTrip() throws {
        let degraded = PoolStatus(mode: "multi", desiredWorkers: 1, workers: [], degradedReason: "restart intensity exceeded", queueDepth: nil)
        var scaled = Self.status
        scaled.readyWorkers = 1
        scaled.autoscale = AutoscaleStatus(enabled: true, lastSampledWaiting: 5_000, lastStep: "up to 8 workers: 5000 waiting", lastStepAgoMs: 1_200)
        scaled.restartsByReason = ["crashed": 2, "memory": 1]
        scaled.workers[0].breaker = "open"
        scaled.workers[0].cache = CacheCounts(l1Hits: 7, l1Misses: 3, l2Hits: 2, l2Misses: 1)
        for response in [AdminResponse.status(Self.status), .status(degraded), .status(scaled), .ok("scaling to 4 workers"), .error("no worker \"x\""),
                         .routes(["u1": "w1.1", "u2": "w2.3"]), .routes([:])] {
            #expect(try AdminResponse(jsonLine: response.jsonLine) == response)
            #expect(!response.jsonLine.contains("\n"))
        }
    }

    @Test func requestsAreThePlainJSONAnOperatorWouldTypeIntoSocat() throws {
        #expect(try AdminRequest(jsonLine: #"{"command":"status"}"#) == .status)
        #expect(try AdminRequest(jsonLine: #" { "workers" : 4 , "command" : "scale" } "#) == .scale(workers: 4))
        #expect(try AdminRequest(jsonLine: #"{"command":"drain","workerID":"w-\u00e9"}"#) == .drain(workerID: "w-é"))
        #expect(AdminRequest.scale(workers: 4).jsonLine == #"{"command":"scale","workers":4}"#)
    }

    @Test(arguments: [
        ("", AdminProtocolError.Code.invalidJSON),
        ("garbage", .invalidJSON),
        ("{\"command\":", .invalidJSON),
        ("{\"command\":\"status\"} trailing", .invalidJSON),
        ("{\"command\":\"status\",\"command\":\"scale\"}", .invalidJSON),
        ("[1,2,3]", .invalidRequest),
        ("{}", .invalidRequest),
        ("{\"command\":\"reboot\"}", .invalidRequest),
        ("{\"command\":7}", .invalidRequest),
        ("{\"command\":\"scale\"}", .invalidRequest),
        ("{\"command\":\"scale\",\"workers\":-1}", .invalidRequest),
        ("{\"command\":\"scale\",\"workers\":2.5}", .invalidRequest),
        ("{\"command\":\"scale\",\"workers\":\"3\"}", .invalidRequest),
        ("{\"command\":\"drain\"}", .invalidRequest),
        ("{\"command\":\"drain\",\"workerID\":\"\"}", .invalidRequest),
        ("{\"command\":\"route\"}", .invalidRequest),
        ("{\"command\":\"route\",\"userIDs\":\"u1\"}", .invalidRequest),
        ("{\"command\":\"route\",\"userIDs\":[\"u1\",7]}", .invalidRequest),
        ("{\"command\":\"route\",\"userIDs\":[\"\"]}", .invalidRequest),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .invalidJSON),
        ("{\"command\":\"st\u{01}atus\"}", .invalidJSON),
        ("{\"command\":\"scale\",\"workers\":01}", .invalidJSON),
        ("{\"command\":\"scale\",\"workers\":1e999}", .invalidJSON),
        ("{\"command\":\"\\ud800\"}", .invalidJSON),
    ])
    func aBadRequestLineIsRefusedWithItsReason(line: String, code: AdminProtocolError.Code) {
        let error = #expect(throws: AdminProtocolError.self) { _ = try AdminRequest(jsonLine: line) }
        #expect(error?.code == code, "\(line): \(error.map(String.init(describing:)) ?? "accepted")")
    }

    @Test func invalidUTF8IsRefused() {
        let error = #expect(throws: AdminProtocolError.self) {
            _ = try AdminRequest(jsonLine: Array(#"{"command":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
        }
        #expect(error?.code == .invalidJSON)
    }

    @Test func anOverlongRequestIsRefusedBeforeParsing() {
        let line = "{\"command\":\"drain\",\"workerID\":\"" + String(repeating: "x", count: AdminProtocol.maxRequestLength) + "\"}"
        let error = #expect(throws: AdminProtocolError.self) { _ = try AdminRequest(jsonLine: line) }
        #expect(error?.code == .lineTooLong)
    }

    @Test(arguments: [#""crashed""#, #"[2]"#, #"{"crashed":-1}"#, #"{"crashed":"2"}"#, #"{"crashed":2.5}"#])
    func aStatusWithBadRestartCountsIsRefused(restarts: String) throws {
        var pool = Self.status
        pool.restartsByReason = ["crashed": 2]
        let good = AdminResponse.status(pool).jsonLine
        #expect(try AdminResponse(jsonLine: good) == .status(pool))
        let field = #""restartsByReason":{"crashed":2}"#
        try #require(good.contains(field), "\(good)")
        let bad = good.replacing(field, with: #""restartsByReason":"# + restarts)
        let error = #expect(throws: AdminProtocolError.self) { _ = try AdminResponse(jsonLine: bad) }
        #expect(error?.code == .invalidResponse, "\(bad)")
    }

    @Test func aResponseMissingItsFieldsIsRefused() {
        for line in [#"{"ok":true}"#, #"{"ok":false}"#, #"{"ok":"yes"}"#, #"{"ok":true,"status":{"mode":"multi"}}"#,
                     #"{"ok":true,"routes":{"u1":7}}"#] {
            let error = #expect(throws: AdminProtocolError.self) { _ = try AdminResponse(jsonLine: line) }
            #expect(error?.code == .invalidResponse, "\(line)")
        }
    }

    @Test func jsonTextEscapesEverythingThatWouldBreakALine() throws {
        let value = JSONValue.object(["text": .string("a\"b\\c\nd\re\tf\u{01}g\u{2028}h✓")])
        #expect(!value.serialized().contains("\n"))
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == .string("😀"))
        #expect(JSONValue.int(3).serialized() == "3")
        #expect(JSONValue.double(2.5).serialized() == "2.5")
        #expect(JSONValue.double(.nan).serialized() == "null")
    }

    @Test func statusJSONUsesTheHTTPAPIFieldNames() throws {
        let text = Self.status.jsonText
        for field in ["\"mode\"", "\"desiredWorkers\"", "\"queueDepth\"", "\"degradedReason\"", "\"activeJobs\"", "\"avgLatencyMs\"", "\"memoryUsageMB\"", "\"cpuPercent\"", "\"uptime\"", "\"lastHeartbeatAgoMs\"", "\"restarts\""] {
            #expect(text.contains(field), "\(field)")
        }
    }

    /// A worker's heartbeat may carry any finite number, and the supervisor passes it on.
    @Test(arguments: [
        #"{"avgLatencyMs":1e18,"memoryUsageMB":0,"cpuPercent":0,"uptime":0}"#,
        #"{"avgLatencyMs":-922337203685477580.8,"memoryUsageMB":0,"cpuPercent":0,"uptime":0}"#,
        #"{"avgLatencyMs":0,"memoryUsageMB":1e300,"cpuPercent":-1e19,"uptime":0}"#,
        #"{"avgLatencyMs":0,"memoryUsageMB":0,"cpuPercent":0,"uptime":3922337203685477580770.5}"#,
    ])
    func statusTextShowsFiguresAnIntCannotHoldAsTheyAre(_ figures: String) throws {
        let worker = #""id":"w","pid":1,"state":"s","activeJobs":0,"completedJobs":0,"failedJobs":0,"restarts":0,"#
        let line = #"{"ok":true,"status":{"mode":"m","desiredWorkers":0,"workers":[{"# + worker + figures.dropFirst() + "]}}"
        guard case .status(let status) = try AdminResponse(jsonLine: line) else {
            Issue.record("not a status: \(line)")
            return
        }
        let row = try #require(status.text.split(separator: "\n").last)
        #expect(row.contains("e+"), "\(row)")
    }

    @Test func statusTextShowsTheSummaryAndOneRowPerWorker() {
        let lines = Self.status.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "mode multi: 1 of 2 workers ready, 3 desired, queue depth 17")
        #expect(lines.count == 2 + Self.status.workers.count)
        #expect(lines[3].contains("w-\"2\"?"))
        #expect(lines[1].hasPrefix("ID"))
        #expect(lines[2].contains("w-1") && lines[2].contains("1234") && lines[2].contains("0.8s ago"))
        #expect(lines[1].hasSuffix("BREAKER") && lines[2].hasSuffix("closed"))
        var scaled = PoolStatus(mode: "multi", desiredWorkers: 4, workers: [])
        scaled.autoscale = AutoscaleStatus(enabled: true, lastSampledWaiting: 0, lastStep: "down to 4 workers: idle", lastStepAgoMs: 3_000)
        #expect(scaled.text.split(separator: "\n")[1] == "autoscale on, last sample 0 waiting, last step 3.0s ago: down to 4 workers: idle")
        let degraded = PoolStatus(mode: "multi", desiredWorkers: 2, workers: [], degradedReason: "restart intensity exceeded")
        #expect(degraded.text == "mode multi: 0 of 0 workers ready, 2 desired, queue depth unknown\nDEGRADED: restart intensity exceeded\nno workers")
    }
}
