import DroverSystemd
import Glibc
import Testing

extension SystemdNotifierTests {
    @Test func watchdogIntervalComesFromWatchdogUsecAndPingsAtHalf() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "10000000"]) {
            let notifier = try SystemdNotifier()
            #expect(notifier.watchdogInterval == .seconds(10))
            #expect(notifier.watchdogPingInterval == .seconds(5))
        }
    }

    @Test func watchdogPidNamingThisProcessKeepsTheWatchdog() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment([
            "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())",
        ]) {
            let notifier = try SystemdNotifier()
            #expect(notifier.watchdogInterval == .seconds(3))
        }
    }

    @Test func watchdogPidNamingAnotherProcessMeansNoWatchdog() throws {
        // What a worker sees if it inherited the supervisor's variables: the watchdog is not its own.
        let listener = try NotifySocketListener()
        try withSystemdEnvironment([
            "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getppid())",
        ]) {
            let notifier = try SystemdNotifier()
            #expect(notifier.watchdogInterval == nil)
            #expect(notifier.watchdogPingInterval == nil)
        }
    }

    @Test func withoutWatchdogUsecThereIsNoWatchdog() throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(["NOTIFY_SOCKET": listener.path]) {
            let notifier = try SystemdNotifier()
            #expect(notifier.watchdogInterval == nil)
        }
    }

    @Test(arguments: [
        ["WATCHDOG_USEC": "ten seconds"],
        ["WATCHDOG_USEC": "0"],
        ["WATCHDOG_USEC": "-5"],
        ["WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "self"],
    ])
    func aMalformedWatchdogSettingIsAClearError(variables: [String: String]) throws {
        let listener = try NotifySocketListener()
        try withSystemdEnvironment(variables.merging(["NOTIFY_SOCKET": listener.path]) { $1 }) { () throws in
            let error = #expect(throws: SystemdError.self) { try SystemdNotifier() }
            #expect(error?.code == .invalidWatchdogEnvironment)
            #expect(error?.message.contains("WATCHDOG_USEC=\(variables["WATCHDOG_USEC"]!)") == true)
        }
    }
}
