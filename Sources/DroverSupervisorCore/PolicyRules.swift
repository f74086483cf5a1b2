/// The checks of one policy's numbers: each refusal names the field, under its section's prefix.
struct PolicyRules {
    /// E.g. `autoscale.`; empty for the supervisor's own fields.
    let prefix: String

    func require(_ ok: Bool, _ field: String, _ rule: String, _ value: some Any) throws(SupervisorCoreError) {
        if !ok { throw SupervisorCoreError(.invalidPolicy, "\(prefix)\(field) \(rule), got \(value)") }
    }
}
