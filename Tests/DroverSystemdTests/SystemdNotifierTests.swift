import DroverSystemd
import Glibc
import Testing

/// The notifier against a real datagram socket, as systemd's notify socket would receive it.
/// Serialized: every test changes this process's NOTIFY_SOCKET and WATCHDOG_* variables.
@Suite("systemd notifier", .serialized)
struct SystemdNotifierTests {
    @Test func lifecycleMessagesArriveInOrderWithExactPayloads() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            #expect(notifier.isEnabled)
            try notifier.ready()
            try notifier.status("workers 4/4 ready, queue depth 12")
            try notifier.watchdog()
            try notifier.stopping()
            #expect(try listener.receive(4) == [
                "READY=1",
                "STATUS=workers 4/4 ready, queue depth 12",
                "WATCHDOG=1",
                "STOPPING=1",
            ])
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test func aStatusGivenWithAStateGoesInTheSameDatagram() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            try notifier.ready(status: "workers 2/2 ready")
            try notifier.stopping(status: "draining 3 jobs")
            #expect(try listener.receive(2) == ["READY=1\nSTATUS=workers 2/2 ready", "STOPPING=1\nSTATUS=draining 3 jobs"])
        }
    }

    @Test func reloadingCarriesTheMonotonicClockThenReadyFollows() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            let before = monotonicMicroseconds()
            try notifier.reloading()
            let after = monotonicMicroseconds()
            try notifier.ready()
            let messages = try listener.receive(2)
            let lines = messages[0].split(separator: "\n")
            try #require(lines.count == 2, "got \(messages[0].debugDescription)")
            #expect(lines[0] == "RELOADING=1")
            #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
            let stamp = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
            #expect((before...after).contains(stamp))
            #expect(messages[1] == "READY=1")
        }
    }

    @Test func extendTimeoutSendsWholeMicrosecondsRoundedUp() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            try notifier.extendTimeout(by: .seconds(20))
            try notifier.extendTimeout(by: .milliseconds(1500))
            try notifier.extendTimeout(by: .nanoseconds(1))
            #expect(try listener.receive(3) == [
                "EXTEND_TIMEOUT_USEC=20000000",
                "EXTEND_TIMEOUT_USEC=1500000",
                "EXTEND_TIMEOUT_USEC=1",
            ])
        }
    }

    @Test(arguments: [Duration.zero, .seconds(-5), .nanoseconds(-1)])
    func extendTimeoutRefusesADurationThatIsNotPositive(duration: Duration) throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            let error = #expect(throws: SystemdError.self) { try notifier.extendTimeout(by: duration) }
            #expect(error?.code == .invalidValue)
            #expect(error?.message.contains("above zero") == true)
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test func extendTimeoutRefusesADurationBeyondSixtyFourBitMicroseconds() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            let error = #expect(throws: SystemdError.self) { try notifier.extendTimeout(by: .seconds(Int64.max)) }
            #expect(error?.code == .invalidValue)
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test(arguments: ["ok\nREADY=1", "two\r\nlines", "nul\0byte", "line\rfeed"])
    func aStatusThatWouldInjectAnotherAssignmentIsRefusedAndNothingIsSent(status: String) throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            let error = #expect(throws: SystemdError.self) { try notifier.status(status) }
            #expect(error?.code == .invalidValue)
            #expect(error?.message.contains("one line") == true)
            // Nor with a state: READY=1 must not go out alone either.
            #expect(throws: SystemdError.self) { try notifier.ready(status: status) }
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test func mainPIDNamesTheProcess() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            try notifier.mainPID(getpid())
            #expect(try listener.receive() == "MAINPID=\(getpid())")
            #expect(throws: SystemdError.self) { try notifier.mainPID(0) }
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test func anAbstractNotifySocketWorks() throws {
        let listener = try NotifySocketListener(abstract: true)
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            try notifier.ready()
            #expect(try listener.receive() == "READY=1")
        }
    }

    @Test func withoutNotifySocketEveryCallIsASilentNoOp() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["WATCHDOG_USEC": "10000000"]) {
            let notifier = try SystemdNotifier()
            #expect(!notifier.isEnabled)
            // Nothing to feed: pings would go nowhere.
            #expect(notifier.watchdogInterval == nil)
            #expect(notifier.watchdogPingInterval == nil)
            // The notifier decided in init; had it called sd_notify anyway, these would arrive.
            setVariable("NOTIFY_SOCKET", listener.path)
            try notifier.ready(status: "x")
            try notifier.reloading()
            try notifier.status("workers 0/4 ready")
            try notifier.watchdog()
            try notifier.extendTimeout(by: .seconds(10))
            try notifier.mainPID(getpid())
            try notifier.stopping()
            #expect(try listener.receive(timeout: .zero) == nil)
        }
    }

    @Test func anEmptyNotifySocketCountsAsUnset() throws {
        try withSystemdEnvironment(["NOTIFY_SOCKET": ""]) {
            let notifier = try SystemdNotifier()
            #expect(!notifier.isEnabled)
            try notifier.ready()
        }
    }

    @Test func badInputIsRefusedEvenWhenDisabled() throws {
        try withSystemdEnvironment([:]) {
            let notifier = try SystemdNotifier()
            #expect(throws: SystemdError.self) { try notifier.status("a\nb") }
            #expect(throws: SystemdError.self) { try notifier.extendTimeout(by: .zero) }
        }
    }

    @Test func aSocketThatIsGoneIsAClearError() throws {
        let listener = try NotifySocketListener()
        let missing = listener.path + "-missing"
        try withSystemdEnvironment(["NOTIFY_SOCKET": missing]) {
            let notifier = try SystemdNotifier()
            let error = #expect(throws: SystemdError.self) { try notifier.ready() }
            #expect(error?.code == .notifyFailed)
            #expect(error?.errno == ENOENT)
            #expect(error?.message.contains(missing) == true)
            #expect(error?.message.contains("READY=1") == true)
        }
    }

    @Test func aRelativeNotifySocketIsRefused() throws {
        try withSystemdEnvironment(["NOTIFY_SOCKET": "relative/notify"]) {
            let notifier = try SystemdNotifier()
            let error = #expect(throws: SystemdError.self) { try notifier.watchdog() }
            #expect(error?.code == .notifyFailed)
            #expect(error?.errno == EINVAL)
        }
    }

    @Test func workersEnvironmentLosesEverySystemdVariable() {
        let supervisor = [
            "PATH": "/usr/bin", "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "10000000",
            "WATCHDOG_PID": "1", "LISTEN_FDS": "1", "LISTEN_PID": "1", "LISTEN_FDNAMES": "http",
            "REDIS_URL": "unix:///run/drover/redis.sock",
        ]
        #expect(SystemdNotifier.childEnvironment(from: supervisor) == [
            "PATH": "/usr/bin", "REDIS_URL": "unix:///run/drover/redis.sock",
        ])
    }
}

/// CLOCK_MONOTONIC in microseconds, read independently of the notifier.
func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
}
