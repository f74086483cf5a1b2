/// A reply of any RESP2/RESP3 type hiredis returns.
///
/// hiredis 0.14 (the Debian bookworm library this builds against) reads RESP2 only, so `double`,
/// `bool`, `map` and `bigNumber` appear only when built against hiredis 1.x on a RESP3 connection.
public enum RedisReply: Sendable, Hashable {
    /// A bulk or verbatim string, byte for byte.
    case string([UInt8])
    /// A simple status such as `OK` or `PONG`.
    case status(String)
    /// A server error such as `ERR unknown command`; a value inside pipelines and arrays,
    /// thrown as `RedisError.serverError` by the single-command calls.
    case error(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case null
    /// An array; RESP3 sets and pushes arrive as arrays too.
    case array([RedisReply])
    /// A RESP3 map, flattened as key1, value1, key2, value2, …
    case map([RedisReply])
    case bigNumber(String)
}
