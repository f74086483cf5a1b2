/// One pub/sub message: the channel it was published on and its payload, byte for byte.
public struct RedisMessage: Sendable, Hashable {
    public let channel: String
    public let payload: [UInt8]

    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }
}
