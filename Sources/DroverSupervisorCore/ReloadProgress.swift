/// How far a configuration reload has come.
enum ReloadProgress: Hashable, Sendable {
    /// `.reloadConfiguration` was issued; waiting for `.reloaded` or `.reloadFailed`.
    case awaitingConfiguration
    /// The new policy is in force; workers of older generations are being replaced one by one.
    case rolling
}
