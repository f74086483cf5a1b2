import DroverQueue
import DroverTestSupport
import Testing

/// A live server's API on a loopback port, through the test client.
struct LiveAPI {
    let port: Int
    var token: String?

    func send(_ method: String, _ target: String, body: String? = nil, headers extra: [String: String] = [:]) async throws -> LoopbackHTTPResponse {
        var headers = extra
        if let token { headers["Authorization"] = "Bearer " + token }
        if body != nil { headers["Content-Type"] = "application/json" }
        return try await LoopbackHTTPClient.send(method, port: port, target, headers: headers, body: body.map { Array($0.utf8) })
    }

    /// Polls `GET /api/rag/job/{id}` until the job is in a final state; returns its record.
    func waitForFinal(_ id: String, timeout: Duration = .seconds(60)) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let response = try await send("GET", "/api/rag/job/" + id)
            if let record = response.json, let status = record["status"]?.stringValue.flatMap(JobStatus.init), status.isFinal {
                return record
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LoopbackHTTPError("job \(id) did not finish within \(timeout)")
    }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await send("GET", "/readyz").status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LoopbackHTTPError("/readyz did not turn 200 within \(timeout)")
    }
}

extension LoopbackHTTPResponse {
    var json: JSONValue? { try? JSONValue(parsing: body) }
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
}
