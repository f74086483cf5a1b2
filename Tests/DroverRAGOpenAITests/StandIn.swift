import DroverHTTPClient
import DroverRAGOpenAI

/// Runs `body` against a fresh stand-in server and client, and stops both whatever happens.
func withStandInServer(_ body: (OpenAIStandInServer, HTTPClient) async throws -> Void) async throws {
    let server = try await OpenAIStandInServer.start()
    let client = HTTPClient()
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

/// Runs `body` with an endpoint on a fresh stand-in server (key `sk-test`, 10 ms backoff).
func withStandIn(
    retries: Int = 2, timeout: Duration = .seconds(30),
    _ body: (OpenAIStandInServer, OpenAIEndpoint) async throws -> Void
) async throws {
    try await withStandInServer { server, client in
        var endpoint = try OpenAIEndpoint(baseURL: server.baseURL, apiKey: "sk-test", client: client)
        endpoint.retries = retries
        endpoint.timeout = timeout
        endpoint.backoffBase = .milliseconds(10)
        try await body(server, endpoint)
    }
}

/// The `OpenAIError` `operation` throws; records an issue if it throws something else or nothing.
func openAIError(_ operation: () async throws -> Void) async -> OpenAIError? {
    do {
        try await operation()
        return nil
    } catch let error as OpenAIError {
        return error
    } catch {
        return nil
    }
}
