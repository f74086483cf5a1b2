/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
/// Generous by default: tests wait for a condition, never for a moment, so a slow machine passes.
public func eventually(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
