import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis reply types")
struct RedisReplyTests {
    @Test func bulkStringsRoundTripBinaryBytesIncludingNUL() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let payload: [UInt8] = [0, 1, 2, 0, 255, 13, 10, 0]
        var set = RedisCommand("SET")
        set.append([0, 107, 0] as [UInt8])  // a key with NUL bytes too
        set.append(payload)
        #expect(try await client.send(set) == .status("OK"))
        var get = RedisCommand("GET")
        get.append([0, 107, 0] as [UInt8])
        #expect(try await client.send(get) == .string(payload))
        #expect(try await client.send(["SET", "empty", ""]) == .status("OK"))
        #expect(try await client.send(["GET", "empty"]) == .string([]))
    }

    @Test func statusIntegerNullAndArrayRepliesKeepTheirTypes() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        #expect(try await client.send(["PING"]) == .status("PONG"))
        #expect(try await client.send(["INCRBY", "n", "-5"]) == .integer(-5))
        #expect(try await client.send(["GET", "missing"]) == .null)
        #expect(try await client.send(["RPUSH", "l", "a", "b"]) == .integer(2))
        #expect(try await client.send(["LRANGE", "l", "0", "-1"]) == .array([.text("a"), .text("b")]))
        #expect(try await client.send(["LRANGE", "missing", "0", "-1"]) == .array([]))
        let nested = try await client.send(["EVAL", "return {1, {2, 'x'}, 'y'}", "0"])
        #expect(nested == .array([.integer(1), .array([.integer(2), .text("x")]), .text("y")]))
    }

    @Test func aServerErrorIsThrownWithItsMessage() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        _ = try await client.send(["LPUSH", "list", "v"])
        let error = await redisError { _ = try await client.send(["GET", "list"]) }
        #expect(error?.code == .serverError)
        #expect(error?.message.hasPrefix("WRONGTYPE") == true)
        // A server error leaves the connection usable.
        #expect(try await client.send(["PING"]) == .status("PONG"))
    }

    @Test func luaValuesArriveAsTheirRESP2Types() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let replies = try await client.pipeline([
            ["EVAL", "return true", "0"],
            ["EVAL", "return false", "0"],
            ["EVAL", "return {ok='fine'}", "0"],
            ["EVAL", "return {err='BOOM it broke'}", "0"],
            ["EVAL", "return 3.7", "0"],
            ["EVAL", "return {double=3.5}", "0"],
        ])
        #expect(replies == [.integer(1), .null, .status("fine"), .error("BOOM it broke"), .integer(3), .text("3.5")])
    }

    @Test func debugProtocolTypesArriveAsTheirRESP2Equivalents() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        #expect(try await client.send(["DEBUG", "PROTOCOL", "double"]) == .text("3.141"))
        #expect(try await client.send(["DEBUG", "PROTOCOL", "true"]) == .integer(1))
        #expect(try await client.send(["DEBUG", "PROTOCOL", "null"]) == .null)
        let bignum = try await client.send(["DEBUG", "PROTOCOL", "bignum"])
        #expect(bignum.string?.allSatisfy(\.isNumber) == true)
        let map = try await client.send(["DEBUG", "PROTOCOL", "map"])
        #expect(map.array?.count == 6)  // three pairs, flattened
    }

    @Test func helloThreeEitherYieldsAMapOrIsRefusedAndTheNextCommandReconnects() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        do {
            // hiredis 1.x reads the RESP3 map; hiredis 0.14 (bookworm) cannot parse it.
            let reply = try await client.send(["HELLO", "3"])
            guard case .map(let pairs) = reply else {
                Issue.record("HELLO 3 answered \(reply)")
                return
            }
            #expect(pairs.contains(.text("proto")))
        } catch {
            #expect(error.code == .protocolError)
        }
        #expect(try await client.send(["PING"]) == .status("PONG"))
        #expect(try await client.send(["SET", "k", "v"]) == .status("OK"))
        #expect(try await client.send(["GET", "k"]) == .text("v"))
    }

    @Test func anEmptyCommandIsRefusedWithoutTouchingTheConnection() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let id = try await client.send(["CLIENT", "ID"])
        let error = await redisError { _ = try await client.send([]) }
        #expect(error?.code == .protocolError)
        #expect(error?.message.contains("empty command") == true)
        #expect(try await client.send(["CLIENT", "ID"]) == id)
    }
}
