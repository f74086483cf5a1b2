import DroverRedis
import Testing

@Suite("RedisURL.connectionString reads back to the same URL")
struct RedisURLConnectionStringTests {
    @Test(arguments: [
        "redis://127.0.0.1:6379/0",
        "redis://:s3cr%20t%2F%40@localhost:7000/3",
        "redis://user:pa%3Ass@[::1]:6380/1",
        "unix:///tmp/redis.sock",
        "unix:///run/drover/redis.sock?db=2",
        "unix:///tmp/r.sock?password=p%26w&db=4",
        // Path characters that are URL syntax when written bare.
        "unix:///tmp/a%3Fdb=5",
        "unix:///tmp/100%25.sock",
        "unix:///tmp/a%23b.sock",
        "unix:///tmp/with%20space%40host.sock",
    ])
    func roundTrips(_ text: String) throws {
        let url = try RedisURL(parsing: text)
        #expect(try RedisURL(parsing: url.connectionString) == url)
    }

    @Test func descriptionStillHidesThePassword() throws {
        let url = try RedisURL(parsing: "redis://:topsecret@localhost:6379/0")
        #expect(!url.description.contains("topsecret"))
        #expect(url.connectionString.contains("topsecret"))
    }
}
