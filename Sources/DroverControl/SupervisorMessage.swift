/// What a supervisor tells one of its workers over the control channel.
public enum SupervisorMessage: Hashable, Sendable {
    /// Stop reserving, finish running jobs, send `.drained` and exit 0.
    case drain
    /// Stop now: put running jobs back (or let their leases lapse) and exit.
    case stop
    /// Cancel one running job (the user deleted it, or it overran its timeout).
    case cancelJob(id: String)
    /// Re-read configuration that can change without a restart.
    case reload
    /// Send heartbeats this often from now on.
    case heartbeatInterval(milliseconds: Int)
    /// A spare (started in standby) takes a slot: start reserving and send `.ready`.
    case activate
}

extension SupervisorMessage: ControlMessage {
    enum TypeCode {
        static let drain: UInt8 = 0x41
        static let stop: UInt8 = 0x42
        static let cancelJob: UInt8 = 0x43
        static let reload: UInt8 = 0x44
        static let heartbeatInterval: UInt8 = 0x45
        static let activate: UInt8 = 0x46
    }

    public var typeCode: UInt8 {
        switch self {
        case .drain: TypeCode.drain
        case .stop: TypeCode.stop
        case .cancelJob: TypeCode.cancelJob
        case .reload: TypeCode.reload
        case .heartbeatInterval: TypeCode.heartbeatInterval
        case .activate: TypeCode.activate
        }
    }

    public func encodeBody(into writer: inout ControlBodyWriter) throws(ControlProtocolError) {
        switch self {
        case .cancelJob(let id):
            try writer.writeString(id, field: "jobID", nonEmpty: true)
        case .heartbeatInterval(let milliseconds):
            guard milliseconds > 0, milliseconds <= Int(UInt32.max) else {
                throw ControlProtocolError(.malformedBody, "heartbeat interval \(milliseconds) ms is not a positive 32-bit count")
            }
            writer.writeUInt32(UInt32(milliseconds))
        case .drain, .stop, .reload, .activate:
            break
        }
    }

    public static func decode(typeCode: UInt8, from reader: inout ControlBodyReader) throws(ControlProtocolError) -> SupervisorMessage {
        let message: SupervisorMessage
        switch typeCode {
        case TypeCode.drain:
            message = .drain
        case TypeCode.stop:
            message = .stop
        case TypeCode.cancelJob:
            reader.messageName = "cancelJob"
            message = .cancelJob(id: try reader.readString(field: "jobID", nonEmpty: true))
        case TypeCode.reload:
            message = .reload
        case TypeCode.activate:
            message = .activate
        case TypeCode.heartbeatInterval:
            reader.messageName = "heartbeatInterval"
            let milliseconds = try reader.readUInt32(field: "milliseconds")
            guard milliseconds > 0 else {
                throw ControlProtocolError(.malformedBody, "heartbeat interval is 0 ms")
            }
            message = .heartbeatInterval(milliseconds: Int(milliseconds))
        default:
            throw ControlProtocolError(.unknownType, "no supervisor message has type \(typeCode)")
        }
        try reader.finish()
        return message
    }
}
