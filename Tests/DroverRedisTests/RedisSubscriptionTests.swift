import DroverRedis
import DroverTestSupport
import Testing

@Suite("Redis pub/sub subscriptions")
struct RedisSubscriptionTests {
    @Test func publishedMessagesArriveInOrderWithTheirChannels() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let subscription = try await RedisSubscription.subscribe(url: server.url, channels: ["jobs", "events"])
        defer { subscription.close() }
        let inbox = MessageInbox(subscription)
        let publisher = RedisClient(url: server.url)
        #expect(try await publisher.send(["PUBLISH", "jobs", "first"]) == .integer(1))
        var binary = RedisCommand("PUBLISH")
        binary.append("events")
        binary.append([0, 255, 0, 10] as [UInt8])
        #expect(try await publisher.send(binary) == .integer(1))
        #expect(try await publisher.send(["PUBLISH", "elsewhere", "ignored"]) == .integer(0))
        #expect(try await publisher.send(["PUBLISH", "jobs", "second"]) == .integer(1))
        let messages = await inbox.waitFor(3)
        #expect(messages == [
            RedisMessage(channel: "jobs", payload: Array("first".utf8)),
            RedisMessage(channel: "events", payload: [0, 255, 0, 10]),
            RedisMessage(channel: "jobs", payload: Array("second".utf8)),
        ])
    }

    @Test func aBurstOfMessagesIsDeliveredCompletely() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let subscription = try await RedisSubscription.subscribe(url: server.url, channels: ["burst"])
        defer { subscription.close() }
        let inbox = MessageInbox(subscription)
        let publisher = RedisClient(url: server.url)
        let count = 5_000
        _ = try await publisher.pipeline((0..<count).map { ["PUBLISH", "burst", "\($0)"] })
        let messages = await inbox.waitFor(count)
        #expect(messages.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<count).map { "\($0)" })
    }

    @Test func closingFinishesTheMessageStream() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        let subscription = try await RedisSubscription.subscribe(url: server.url, channels: ["c"])
        let inbox = MessageInbox(subscription)
        subscription.close()
        subscription.close()  // idempotent
        #expect(await eventually { inbox.isFinished })
        // The server sees the subscriber go away.
        let publisher = RedisClient(url: server.url)
        #expect(await eventually { (try? await publisher.send(["PUBLISH", "c", "x"])) == .integer(0) })
    }

    @Test func theSubscriptionResubscribesAfterTheServerRestarts() async throws {
        let server = try await RedisServer()
        defer { server.stop() }
        var options = RedisOptions()
        options.reconnectBaseDelay = .milliseconds(10)
        options.reconnectMaxDelay = .milliseconds(200)
        let subscription = try await RedisSubscription.subscribe(url: server.url, channels: ["c"], options: options)
        defer { subscription.close() }
        let inbox = MessageInbox(subscription)
        let publisher = RedisClient(url: server.url)
        #expect(try await publisher.send(["PUBLISH", "c", "before"]) == .integer(1))
        #expect(await inbox.waitFor(1).count == 1)

        try await server.restart()
        // Publish until the subscription is back (PUBLISH counts receivers); that message must arrive.
        #expect(await eventually { (try? await publisher.send(["PUBLISH", "c", "after"])) == .integer(1) })
        let messages = await inbox.waitFor(2)
        #expect(messages.first?.payload == Array("before".utf8))
        #expect(messages.contains(RedisMessage(channel: "c", payload: Array("after".utf8))))
        #expect(!inbox.isFinished)
    }

    @Test func subscribingToAnUnreachableServerFails() async throws {
        let url = RedisURL(endpoint: .unix(path: "/nonexistent/redis.sock"))
        let error = await redisError { _ = try await RedisSubscription.subscribe(url: url, channels: ["c"], options: quickFailOptions()) }
        #expect(error?.code == .connectionFailed)
    }

    @Test func subscribingWithAWrongPasswordFailsAtOnce() async throws {
        let server = try await RedisServer(requirePass: "right")
        defer { server.stop() }
        let url = RedisURL(endpoint: server.url.endpoint, password: "wrong")
        let error = await redisError { _ = try await RedisSubscription.subscribe(url: url, channels: ["c"], options: quickFailOptions(attempts: 8)) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("WRONGPASS") == true)
    }

    @Test func subscribingToNoChannelsIsRefused() async throws {
        let url = RedisURL(endpoint: .unix(path: "/nonexistent/redis.sock"))
        let error = await redisError { _ = try await RedisSubscription.subscribe(url: url, channels: []) }
        #expect(error?.code == .protocolError)
        #expect(error?.message.contains("at least one channel") == true)
    }
}
