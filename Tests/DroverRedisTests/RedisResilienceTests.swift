import DroverRedis
import DroverTestSupport
import Foundation
import Testing

@Suite("Redis timeouts, restarts and reconnects")
struct RedisResilienceTests {
    @Test func aCommandPastItsTimeoutThrowsAndTheNextCommandUsesANewConnection() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        var options = RedisOptions()
        options.commandTimeout = .milliseconds(300)
        let client = RedisClient(url: server.url, options: options)
        let before = try await client.send(["CLIENT", "ID"])
        let error = await redisError { _ = try await client.send(["BLPOP", "nothing", "5"]) }
        #expect(error?.code == .timeout)
        #expect(try await client.send(["PING"]) == .status("PONG"))
        #expect(try await client.send(["CLIENT", "ID"]) != before)
    }

    @Test func aBlockingCommandMayWaitPastTheDefaultTimeoutWhenGivenItsOwn() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        var options = RedisOptions()
        options.commandTimeout = .milliseconds(200)
        let client = RedisClient(url: server.url, options: options)
        let id = try await client.send(["CLIENT", "ID"])
        #expect(try await client.send(["BLPOP", "nothing", "1"], timeout: .seconds(10)) == .null)
        // Same connection, and the default timeout is back in force afterwards.
        #expect(try await client.send(["CLIENT", "ID"]) == id)
        let error = await redisError { _ = try await client.send(["BLPOP", "nothing", "5"]) }
        #expect(error?.code == .timeout)
    }

    @Test func aServerRestartBetweenCommandsIsInvisible() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        #expect(try await client.send(["SET", "k", "v"]) == .status("OK"))
        try await server.restart()
        // The idle connection was closed by the old server; it is replaced before anything is sent.
        #expect(try await client.send(["PING"]) == .status("PONG"))
        #expect(try await client.send(["GET", "k"]) == .null)  // no persistence by default
    }

    @Test func aServerKilledMidCommandLosesThatCommandAndTheNextCallReconnects() async throws {
        let server = try await RedisServer(appendOnly: true)
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let watcher = RedisClient(url: server.url)
        #expect(try await client.send(["SET", "k", "kept"]) == .status("OK"))
        async let blocked = redisError { _ = try await client.send(["BLPOP", "nothing", "30"], timeout: .seconds(60)) }
        #expect(await eventually { (try? await watcher.send(["INFO", "clients"]).string?.contains("blocked_clients:1")) == true })
        server.kill()
        let error = await blocked
        #expect(error?.code == .connectionLost)
        try await server.restart()
        #expect(try await client.send(["GET", "k"]) == .text("kept"))
    }

    @Test func callsFailWhileTheServerIsDownAndSucceedOnceItIsBack() async throws {
        let server = try await RedisServer(appendOnly: true)
        defer { server.stop() }
        let client = RedisClient(url: server.url, options: quickFailOptions(attempts: 3))
        #expect(try await client.send(["SET", "k", "v"]) == .status("OK"))
        server.kill()
        let error = await redisError { _ = try await client.send(["GET", "k"]) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("unavailable after 3 connect attempts") == true)
        try await server.restart()
        #expect(await eventually { (try? await client.send(["GET", "k"])) == .text("v") })
    }

    @Test func appendOnlyDataSurvivesAKilledServer() async throws {
        let server = try await RedisServer(appendOnly: true)
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let writes = (0..<100).map { ["RPUSH", "log", "\($0)"] as RedisCommand }
        _ = try await client.pipeline(writes)
        let pid = server.pid
        server.kill()
        #expect(!server.isRunning)
        try await server.restart()
        #expect(server.pid != pid)
        #expect(try await client.send(["LLEN", "log"]) == .integer(100))
    }

    @Test func aStoppedServerCannotBeRestartedAndItsDirectoryIsGone() async throws {
        let server = try await RedisServer()
        let directory = server.directory
        server.stop()
        #expect(!server.isRunning)
        #expect(access(directory, F_OK) != 0)
        await #expect(throws: RedisServerError.self) { try await server.restart() }
    }
}
