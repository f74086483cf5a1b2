import DroverRedis

/// The registry's one Lua script: a supervisor's beat, atomic so that each dead host is claimed
/// by one supervisor at a time.
enum RegistryScript {
    /// KEYS[1] `N:{registry}:hosts` (instance → entry JSON of live hosts), KEYS[2]
    /// `N:{registry}:orphans` (instance → entry of dead hosts being recovered), KEYS[3]
    /// `N:{registry}:deadlines` (instance → ms: a live host's expiry, an orphan's claim expiry).
    /// ARGV[1] own instance, ARGV[2] own entry, ARGV[3] entry lifetime ms, ARGV[4] claim ms,
    /// ARGV[5…] orphans the caller recovered, to forget.
    ///
    /// A deadline in a sorted set rather than a key's own TTL: an expired key vanishes without a
    /// trace, and then nobody would know whose sticky queues to release.
    /// Returns { hosts as field, value, …; orphans claimed now as instance, entry, …; 1 if the
    /// caller itself had been claimed as dead, else 0 }.
    static let beat = RedisScript(name: "drover-registry-beat", source: #"""
    local T = redis.call('TIME')
    local now = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
    local hosts, orphans, deadlines = KEYS[1], KEYS[2], KEYS[3]
    local me, lifetime, claim = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
    for i = 5, #ARGV do
      -- Only if still an orphan: a host that came back has taken its entry back.
      if redis.call('HDEL', orphans, ARGV[i]) == 1 then redis.call('ZREM', deadlines, ARGV[i]) end
    end
    redis.call('HSET', hosts, me, ARGV[2])
    local was_claimed = redis.call('HDEL', orphans, me)
    redis.call('ZADD', deadlines, now + lifetime, me)
    local all = redis.call('HGETALL', hosts)
    -- An entry someone wrote without a deadline expires like any other.
    for i = 1, #all, 2 do redis.call('ZADD', deadlines, 'NX', now + lifetime, all[i]) end
    local claimed = {}
    for _, name in ipairs(redis.call('ZRANGEBYSCORE', deadlines, '-inf', now - 1, 'LIMIT', 0, 100)) do
      local entry = redis.call('HGET', hosts, name)
      if entry then
        redis.call('HDEL', hosts, name)
        redis.call('HSET', orphans, name, entry)
      else
        entry = redis.call('HGET', orphans, name)
      end
      if entry then
        redis.call('ZADD', deadlines, now + claim, name)
        claimed[#claimed + 1] = name
        claimed[#claimed + 1] = entry
      else
        redis.call('ZREM', deadlines, name)
      end
    end
    if #claimed > 0 then all = redis.call('HGETALL', hosts) end
    return { all, claimed, was_claimed }
    """#)
}
