import Glibc

/// The variables the notifier reads from this process's environment.
private let systemdVariables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

/// Runs `body` with exactly `variables` of systemd's set in this process's environment (the
/// others unset, even if the tests themselves run under systemd), then puts back what was there.
/// The notifier reads the real environment, as it does under systemd, so suites using this are
/// serialized.
func withSystemdEnvironment<T>(_ variables: [String: String], _ body: () throws -> T) rethrows -> T {
    var saved: [String: String?] = [:]
    for name in Set(systemdVariables).union(variables.keys) {
        saved[name] = getenv(name).map { String(cString: $0) }
        setVariable(name, variables[name])
    }
    defer {
        for (name, value) in saved {
            setVariable(name, value)
        }
    }
    return try body()
}

/// Sets or (for nil) unsets one variable mid-test, e.g. to show the notifier read it only once.
func setVariable(_ name: String, _ value: String?) {
    if let value {
        setenv(name, value, 1)
    } else {
        unsetenv(name)
    }
}
