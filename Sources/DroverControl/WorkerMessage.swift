/// What a worker tells its supervisor over the control channel.
public enum WorkerMessage: Hashable, Sendable {
    /// First message after start: identity and protocol version.
    case hello(WorkerHello)
    /// Booted and reserving jobs: the supervisor may count this worker as ready.
    case ready
    /// Periodic liveness and load report.
    case heartbeat(WorkerHeartbeat)
    /// Drain acknowledged: no new reservations; running jobs finish.
    case draining
    /// All jobs finished; the worker exits 0 right after sending this.
    case drained
}

extension WorkerMessage: ControlMessage {
    enum TypeCode {
        static let hello: UInt8 = 0x01
        static let ready: UInt8 = 0x02
        static let heartbeat: UInt8 = 0x03
        static let draining: UInt8 = 0x04
        static let drained: UInt8 = 0x05
    }

    public var typeCode: UInt8 {
        switch self {
        case .hello: TypeCode.hello
        case .ready: TypeCode.ready
        case .heartbeat: TypeCode.heartbeat
        case .draining: TypeCode.draining
        case .drained: TypeCode.drained
        }
    }

    public func encodeBody(into writer: inout ControlBodyWriter) throws(ControlProtocolError) {
        switch self {
        case .hello(let hello):
            guard (0 ... Int(UInt8.max)).contains(hello.protocolVersion) else {
                throw ControlProtocolError(.malformedBody, "hello protocolVersion \(hello.protocolVersion) does not fit a byte")
            }
            guard hello.pid > 0 else {
                throw ControlProtocolError(.malformedBody, "hello pid is \(hello.pid); it must be positive")
            }
            writer.writeUInt8(UInt8(hello.protocolVersion))
            try writer.writeString(hello.workerID, field: "workerID", nonEmpty: true)
            writer.writeUInt32(UInt32(hello.pid))
            try writer.writeCount(hello.concurrency, field: "concurrency")
        case .heartbeat(let beat):
            try writer.writeCount(beat.activeJobs, field: "activeJobs")
            try writer.writeCount(beat.completedJobs, field: "completedJobs")
            try writer.writeCount(beat.failedJobs, field: "failedJobs")
            try writer.writeMeasure(beat.avgLatencyMs, field: "avgLatencyMs")
            try writer.writeMeasure(beat.memoryUsageMB, field: "memoryUsageMB")
            try writer.writeMeasure(beat.cpuPercent, field: "cpuPercent")
            try writer.writeMeasure(beat.uptimeSeconds, field: "uptimeSeconds")
            try writer.writeIdentifiers(beat.activeJobIDs, field: "activeJobIDs")
            guard beat.activeJobElapsedMs.count == beat.activeJobIDs.count, beat.activeJobTimeoutMs.count == beat.activeJobIDs.count else {
                throw ControlProtocolError(.malformedBody, "heartbeat job ages and timeouts must match activeJobIDs one to one")
            }
            for (elapsed, timeout) in zip(beat.activeJobElapsedMs, beat.activeJobTimeoutMs) {
                try writer.writeCount(elapsed, field: "activeJobElapsedMs")
                try writer.writeCount(timeout, field: "activeJobTimeoutMs")
            }
            try writer.writeCount(beat.cache.l1Hits, field: "cache.l1Hits")
            try writer.writeCount(beat.cache.l1Misses, field: "cache.l1Misses")
            try writer.writeCount(beat.cache.l2Hits, field: "cache.l2Hits")
            try writer.writeCount(beat.cache.l2Misses, field: "cache.l2Misses")
        case .ready, .draining, .drained:
            break
        }
    }

    public static func decode(typeCode: UInt8, from reader: inout ControlBodyReader) throws(ControlProtocolError) -> WorkerMessage {
        let message: WorkerMessage
        switch typeCode {
        case TypeCode.hello:
            reader.messageName = "hello"
            let version = Int(try reader.readUInt8(field: "protocolVersion"))
            let workerID = try reader.readString(field: "workerID", nonEmpty: true)
            let rawPID = try reader.readUInt32(field: "pid")
            guard rawPID > 0, rawPID <= UInt32(Int32.max) else {
                throw ControlProtocolError(.malformedBody, "hello pid \(rawPID) is not a process id")
            }
            let concurrency = try reader.readCount(field: "concurrency")
            message = .hello(WorkerHello(protocolVersion: version, workerID: workerID, pid: Int32(rawPID), concurrency: concurrency))
        case TypeCode.ready:
            message = .ready
        case TypeCode.heartbeat:
            reader.messageName = "heartbeat"
            var beat = WorkerHeartbeat(
                activeJobs: try reader.readCount(field: "activeJobs"),
                completedJobs: try reader.readCount(field: "completedJobs"),
                failedJobs: try reader.readCount(field: "failedJobs"),
                avgLatencyMs: try reader.readMeasure(field: "avgLatencyMs"),
                memoryUsageMB: try reader.readMeasure(field: "memoryUsageMB"),
                cpuPercent: try reader.readMeasure(field: "cpuPercent"),
                uptimeSeconds: try reader.readMeasure(field: "uptimeSeconds"),
                activeJobIDs: try reader.readIdentifiers(field: "activeJobIDs")
            )
            for index in beat.activeJobIDs.indices {
                beat.activeJobElapsedMs[index] = try reader.readCount(field: "activeJobElapsedMs")
                beat.activeJobTimeoutMs[index] = try reader.readCount(field: "activeJobTimeoutMs")
            }
            beat.cache = CacheCounts(
                l1Hits: try reader.readCount(field: "cache.l1Hits"), l1Misses: try reader.readCount(field: "cache.l1Misses"),
                l2Hits: try reader.readCount(field: "cache.l2Hits"), l2Misses: try reader.readCount(field: "cache.l2Misses"))
            message = .heartbeat(beat)
        case TypeCode.draining:
            message = .draining
        case TypeCode.drained:
            message = .drained
        default:
            throw ControlProtocolError(.unknownType, "no worker message has type \(typeCode)")
        }
        try reader.finish()
        return message
    }
}
