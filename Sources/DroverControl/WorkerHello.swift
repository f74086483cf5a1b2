/// A worker's first message: who it is and what it speaks.
public struct WorkerHello: Hashable, Sendable {
    /// The protocol version the worker was built with.
    public var protocolVersion: Int
    /// The id the supervisor gave this worker (on its command line or in its environment).
    public var workerID: String
    public var pid: Int32
    /// How many jobs the worker runs at once.
    public var concurrency: Int

    public init(protocolVersion: Int = Int(ControlProtocol.version), workerID: String, pid: Int32, concurrency: Int) {
        self.protocolVersion = protocolVersion
        self.workerID = workerID
        self.pid = pid
        self.concurrency = concurrency
    }
}
