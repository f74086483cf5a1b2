import CHiredis

extension RedisReply {
    /// Copies a hiredis reply tree into Swift values; the caller still owns (and frees) `reply`.
    init(copying reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_VERB:
            self = .string(Self.bytes(r))
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(r))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(r))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_DOUBLE:
            // hiredis 1.x keeps the server's text in `str` as well as a parsed `dval`; the text
            // works with both header versions.
            self = .double(Double(Self.text(r)) ?? .nan)
        case REDIS_REPLY_BOOL:
            self = .bool(r.integer != 0)
        case REDIS_REPLY_BIGNUM:
            self = .bigNumber(Self.text(r))
        case REDIS_REPLY_MAP:
            self = .map(Self.elements(r))
        case REDIS_REPLY_ARRAY, REDIS_REPLY_SET, REDIS_REPLY_PUSH, REDIS_REPLY_ATTR:
            self = .array(Self.elements(r))
        default:
            self = .error("unknown hiredis reply type \(r.type)")
        }
    }

    private static func bytes(_ r: redisReply) -> [UInt8] {
        guard let str = r.str, r.len > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: str, count: Int(r.len)))
    }

    private static func text(_ r: redisReply) -> String {
        guard let str = r.str, r.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: Int(r.len)), as: UTF8.self)
    }

    private static func elements(_ r: redisReply) -> [RedisReply] {
        guard let element = r.element, r.elements > 0 else { return [] }
        return (0..<Int(r.elements)).map { index in
            guard let child = element[index] else { return .null }
            return RedisReply(copying: child)
        }
    }
}
