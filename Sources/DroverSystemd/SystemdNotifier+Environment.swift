extension SystemdNotifier {
    /// Variables systemd gives the main process only. Workers must not inherit them: with
    /// `NotifyAccess=main` their notifications are refused anyway, and a worker that sends
    /// `WATCHDOG=1` could hide a stuck supervisor; `LISTEN_*` sockets belong to the supervisor.
    public static let environmentVariablesToStrip = [
        "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
    ]

    /// `environment` without ``environmentVariablesToStrip``: the environment to spawn a worker with.
    public static func childEnvironment(from environment: [String: String]) -> [String: String] {
        environment.filter { !environmentVariablesToStrip.contains($0.key) }
    }
}
