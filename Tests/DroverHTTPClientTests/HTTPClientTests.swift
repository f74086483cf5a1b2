import DroverHTTPClient
import DroverTestSupport
import Testing

/// Specifications of the client against a real loopback server that misbehaves on request.
@Suite("HTTP client")
struct HTTPClientTests {
    func withServer(
        _ configuration: HTTPClient.Configuration = .init(),
        _ body: (LoopbackHTTPServer, HTTPClient) async throws -> Void
    ) async throws {
        let server = try await LoopbackHTTPServer.start()
        let client = HTTPClient(configuration: configuration)
        do {
            try await body(server, client)
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
        await client.shutdown()
        await server.stop()
    }

    func expectError(_ code: HTTPClientError.Code, _ operation: () async throws -> Void) async {
        do {
            try await operation()
            Issue.record("expected \(code), got success")
        } catch let error as HTTPClientError {
            #expect(error.code == code, "\(error)")
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("expected HTTPClientError.\(code), got \(error)")
        }
    }

    @Test("a header sent several times is read in full, in order, whatever its case")
    func repeatedHeaderValues() {
        let response = HTTPResponse(status: 200, headers: [
            HTTPHeader("Cache-Control", "max-age=60"), HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("cache-control", "private"),
        ], body: [])
        #expect(response.headerValues("CACHE-CONTROL") == ["max-age=60", "private"])
        #expect(response.header("cache-control") == "max-age=60")
        #expect(response.headerValues("ETag").isEmpty)
    }

    @Test("a GET answers status, headers and body")
    func getsABody() async throws {
        try await withServer { server, client async throws in
            let response = try await client.send(HTTPRequest(url: server.url("/ok")))
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.header("content-length") == "5")
        }
    }

    @Test("a POST sends its body with Content-Length")
    func postsABody() async throws {
        try await withServer { server, client async throws in
            let response = try await client.send(.postJSON(server.url("/echo"), #"{"query":"x"}"#))
            #expect(response.text == #"{"query":"x"}"#)
        }
    }

    @Test("a chunked response is reassembled")
    func readsChunked() async throws {
        try await withServer { server, client async throws in
            #expect(try await fetch(client, server.url("/chunked")).text == "hello world")
        }
    }

    @Test("an interim 100 answer is skipped for the final one")
    func skipsInterimAnswers() async throws {
        try await withServer { server, client async throws in
            #expect(try await fetch(client, server.url("/continue")).text == "final")
        }
    }

    @Test("sequential requests reuse one kept-alive connection")
    func reusesConnection() async throws {
        try await withServer { server, client async throws in
            for _ in 0..<25 {
                #expect(try await fetch(client, server.url("/ok")).status == 200)
            }
            #expect(server.acceptedConnections == 1)
            #expect(server.requests == 25)
        }
    }

    @Test("concurrent requests open no more connections than the per-host limit")
    func boundsConnections() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.maxConnectionsPerHost = 3
        try await withServer(configuration) { server, client async throws in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await client.send(HTTPRequest(url: server.url("/slow?ms=5"))).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(server.acceptedConnections <= 3)
            #expect(server.requests == 30)
        }
    }

    @Test("a request that waits for a busy connection past its timeout gives requestTimeout")
    func waitsForAConnectionWithinTheTimeout() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.maxConnectionsPerHost = 1
        try await withServer(configuration) { server, client async throws in
            // Held far longer than the wait below, so that a stalled CI machine cannot free the
            // connection first (1.5 s once did: the waiting request then simply succeeded).
            let holder = Task { try await fetch(client, server.url("/slow?ms=8000")) }
            #expect(await eventually { server.requests == 1 })
            var waiting = try HTTPRequest(url: server.url("/ok"))
            waiting.timeout = .milliseconds(200)
            await expectError(.requestTimeout) { _ = try await client.send(waiting) }
            #expect(try await holder.value.text == "slow")
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test("an answer with Connection: close is not reused")
    func honoursConnectionClose() async throws {
        try await withServer { server, client async throws in
            #expect(try await fetch(client, server.url("/close")).text == "bye")
            #expect(try await fetch(client, server.url("/ok")).text == "hello")
            #expect(server.acceptedConnections == 2)
        }
    }

    @Test("nothing listening gives connectionRefused")
    func refusedConnection() async throws {
        let server = try await LoopbackHTTPServer.start()
        let url = server.url("/ok")
        await server.stop()
        let client = HTTPClient()
        await expectError(.connectionRefused) { _ = try await client.send(HTTPRequest(url: url)) }
        await client.shutdown()
    }

    @Test("a slow answer times out, and its connection is closed rather than reused")
    func requestTimeout() async throws {
        try await withServer { server, client async throws in
            var slow = try HTTPRequest(url: server.url("/slow"))
            slow.timeout = .milliseconds(200)
            await expectError(.requestTimeout) { _ = try await client.send(slow) }
            #expect(client.openConnections(to: slow.url) == 0)
            #expect(try await fetch(client, server.url("/ok")).status == 200)
            #expect(server.acceptedConnections == 2)
        }
    }

    @Test("a body cut short by a close gives connectionClosed")
    func cutBody() async throws {
        try await withServer { server, client async throws in
            await expectError(.connectionClosed) { _ = try await client.send(HTTPRequest(url: server.url("/cut"))) }
            #expect(try await fetch(client, server.url("/ok")).status == 200)
        }
    }

    @Test("garbage instead of HTTP gives malformedResponse")
    func garbage() async throws {
        try await withServer { server, client async throws in
            await expectError(.malformedResponse) { _ = try await client.send(HTTPRequest(url: server.url("/garbage"))) }
            let url = try HTTPURL(parsing: server.url("/"))
            #expect(client.openConnections(to: url) == 0)
        }
    }

    @Test("a body over the request's limit gives bodyTooLarge")
    func bodyLimit() async throws {
        try await withServer { server, client async throws in
            var request = try HTTPRequest(url: server.url("/big?bytes=200000"))
            request.maxResponseBytes = 100_000
            await expectError(.bodyTooLarge) { _ = try await client.send(request) }
        }
    }

    @Test("a streamed body arrives in chunks that add up to the whole")
    func streamsABody() async throws {
        try await withServer { server, client async throws in
            let response = try await client.stream(HTTPRequest(url: server.url("/big?bytes=3000000")))
            #expect(response.status == 200)
            var total = 0
            for try await chunk in response.body { total += chunk.count }
            #expect(total == 3_000_000)
            #expect(try await fetch(client, server.url("/ok")).status == 200)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test("Server-Sent-Event data lines come out whole and in order")
    func serverSentEvents() async throws {
        try await withServer { server, client async throws in
            let response = try await client.stream(HTTPRequest(url: server.url("/sse")))
            var values: [String] = []
            for try await value in response.serverSentEventData { values.append(value) }
            #expect(values == [#"{"n":1}"#, #"{"n":2}"#, "[DONE]"])
        }
    }

    @Test("a stream dropped before its end closes its connection instead of reusing it")
    func droppedStream() async throws {
        try await withServer { server, client async throws in
            let url = try HTTPURL(parsing: server.url("/big?bytes=5000000"))
            do {
                let response = try await client.stream(HTTPRequest(url: url))
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()
            }
            #expect(await eventually { client.openConnections(to: url) == 0 })
            #expect(try await fetch(client, server.url("/ok")).status == 200)
        }
    }

    @Test("after shutdown, requests fail with shutDown")
    func shutDown() async throws {
        let server = try await LoopbackHTTPServer.start()
        let client = HTTPClient()
        await client.shutdown()
        await expectError(.shutDown) { _ = try await client.send(HTTPRequest(url: server.url("/ok"))) }
        await server.stop()
    }
}

/// A GET, with untyped throws so that `#expect(try await …)` can hold it.
func fetch(_ client: HTTPClient, _ url: String) async throws -> HTTPResponse {
    try await client.send(HTTPRequest(url: url))
}

