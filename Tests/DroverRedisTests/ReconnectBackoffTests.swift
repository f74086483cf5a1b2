@testable import DroverRedis
import Testing

@Suite("Reconnect backoff")
struct ReconnectBackoffTests {
    var options: RedisOptions {
        var options = RedisOptions()
        options.reconnectBaseDelay = .milliseconds(100)
        options.reconnectMaxDelay = .seconds(1)
        return options
    }

    @Test func delaysDoubleFromTheBaseWithJitterOfHalfEitherWay() {
        let backoff = ReconnectBackoff(options: options)
        for (failures, nominal) in [(1, 100), (2, 200), (3, 400), (4, 800)] {
            for _ in 0..<200 {
                let delay = backoff.delay(afterFailures: failures)
                #expect(delay >= .milliseconds(nominal / 2) && delay <= .milliseconds(nominal * 3 / 2))
            }
        }
    }

    @Test func delaysStopGrowingAtTheCapEvenAfterManyFailures() {
        let backoff = ReconnectBackoff(options: options)
        for failures in [5, 10, 64, Int.max] {
            let delay = backoff.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(500) && delay <= .milliseconds(1500))
        }
    }
}
