/// Why a registry entry read back from Redis was not used; its description names the field.
public struct RegistryEntryError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
