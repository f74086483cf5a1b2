import DroverRedis

/// The Lua scripts of the document index; each keeps its keys' invariants in one atomic step.
enum RAGScripts {
    /// KEYS: version, changes, docs, doc:<id>, state:<id>. ARGV: id, fields (JSON), chunks (JSON),
    /// vectors (raw little-endian floats), dimensions, chunk count, updatedAtMs, contentHash, events channel.
    /// Writes the document, advances the version, records the change and announces it. Returns the version.
    static let commit = RedisScript(name: "rag-commit", source: """
        local v = redis.call('INCR', KEYS[1])
        redis.call('DEL', KEYS[4])
        redis.call('HSET', KEYS[4], 'fields', ARGV[2], 'chunks', ARGV[3], 'vectors', ARGV[4], 'dims', ARGV[5],
          'count', ARGV[6], 'updatedAt', ARGV[7], 'hash', ARGV[8], 'version', v)
        redis.call('SADD', KEYS[3], ARGV[1])
        redis.call('ZADD', KEYS[2], v, ARGV[1])
        redis.call('DEL', KEYS[5])
        redis.call('PUBLISH', ARGV[9], v)
        return v
        """)

    /// KEYS: version, changes, docs, doc:<id>. ARGV: id, events channel.
    /// Returns the new version, or false when there was no such document.
    static let delete = RedisScript(name: "rag-delete", source: """
        if redis.call('DEL', KEYS[4]) == 0 then return false end
        redis.call('SREM', KEYS[3], ARGV[1])
        local v = redis.call('INCR', KEYS[1])
        redis.call('ZADD', KEYS[2], v, ARGV[1])
        redis.call('PUBLISH', ARGV[2], v)
        return v
        """)

    /// KEYS: version, changes. ARGV: since. Returns {version, ids changed after since}, read together.
    static let changes = RedisScript(name: "rag-changes", source: """
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        return {v, redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')}
        """)

    /// KEYS: version, docs. Returns {version, every id}, read together.
    static let all = RedisScript(name: "rag-all", source: """
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        return {v, redis.call('SMEMBERS', KEYS[2])}
        """)

    /// KEYS: lock:<id>. ARGV: token. Deletes the lock only if this token holds it.
    static let unlock = RedisScript(name: "rag-unlock", source: """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)
}
