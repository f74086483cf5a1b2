/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
/// Generous by default: tests wait for a condition, never for a moment, so a slow machine passes.
public func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Polls `condition` until it holds; throws `TimedOut`, naming `what`, when `timeout` passes first,
/// so the failing test says what it was waiting for.
public func eventually(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
    if try await eventually(timeout: timeout, condition) { return }
    throw TimedOut(what: what)
}

/// A condition a test waited for did not come true in time.
public struct TimedOut: Error, CustomStringConvertible {
    public let what: String

    public var description: String { "timed out waiting for \(what)" }
}
