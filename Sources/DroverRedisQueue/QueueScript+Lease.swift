extension QueueScript {
    /// Stores a job's progress, fenced by its lease.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] id, ARGV[3] token, ARGV[4] progress JSON.
    /// Returns 1 stored, 0 stale lease, -1 no such job.
    static let progressBody = #"""
    local jk = P .. 'job:' .. ARGV[2]
    local f = redis.call('HMGET', jk, 'st', 'tok')
    if not f[1] then return -1 end
    if f[1] ~= 'active' or f[2] ~= ARGV[3] then return 0 end
    redis.call('HSET', jk, 'prog', ARGV[4])
    return 1
    """#

    /// Moves a lease's deadline to `duration` from now, fenced by its lease.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] id, ARGV[3] token, ARGV[4] duration ms.
    /// Returns the new deadline ms, 0 stale lease, -1 no such job.
    static let extendBody = #"""
    local id = ARGV[2]
    local jk = P .. 'job:' .. id
    local f = redis.call('HMGET', jk, 'st', 'tok')
    if not f[1] then return -1 end
    if f[1] ~= 'active' or f[2] ~= ARGV[3] then return 0 end
    local deadline = NOW + tonumber(ARGV[4])
    redis.call('ZADD', P .. 'active', deadline, id)
    return deadline
    """#

    /// Cancels a job that has not finished; an active job's lease is revoked with it.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] id, ARGV[3] retention ms, ARGV[4] retention count.
    /// Returns 'ok', the final status it already had, or 'missing'.
    static let cancelBody = #"""
    local id = ARGV[2]
    local jk = P .. 'job:' .. id
    local f = redis.call('HMGET', jk, 'st', 'pri', 'w', 'tw')
    local st = f[1]
    if not st then return 'missing' end
    if st == 'completed' or st == 'dead' or st == 'cancelled' then return st end
    if st == 'waiting' and f[4] then
      redis.call('HINCRBY', P .. 'meta', 'sw', -redis.call('LREM', P .. 'sticky:' .. f[4], 1, id))
      redis.call('HDEL', jk, 'tw')
    elseif st == 'waiting' then redis.call('LREM', P .. 'wait:' .. f[2], 1, id)
    elseif st == 'delayed' then redis.call('ZREM', P .. 'delayed', id)
    elseif st == 'failed' then redis.call('ZREM', P .. 'retry', id)
    elseif st == 'active' then
      redis.call('ZREM', P .. 'active', id)
      if f[3] then redis.call('SREM', P .. 'worker:' .. f[3], id) end
    end
    redis.call('HSET', jk, 'st', 'cancelled', 'fu', NOW_US)
    redis.call('HDEL', jk, 'tok')
    retire('cancelled', id, tonumber(ARGV[3]), tonumber(ARGV[4]))
    event('cancelled', id)
    publish_events()
    return 'ok'
    """#

    /// Puts back every job leased to one worker, and releases its sticky queue: what the supervisor
    /// runs the moment a worker dies or has drained.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] worker id, ARGV[3] '1' if the attempt counts,
    /// ARGV[4] dead-letter retention ms, ARGV[5] retention count.
    /// Returns the number of jobs moved (back to waiting, or to the dead-letter queue).
    static let requeueWorkerBody = #"""
    local worker = ARGV[2]
    local count_attempt = ARGV[3] == '1'
    -- Sticky jobs first, so the leased ones, which were ahead of them, end up first in line.
    local released = release_sticky(worker)
    local wset = P .. 'worker:' .. worker
    local ids = redis.call('SMEMBERS', wset)
    local held = {}
    for _, id in ipairs(ids) do
      local f = redis.call('HMGET', P .. 'job:' .. id, 'st', 'w', 'att', 'tok')
      if f[1] == 'active' and f[2] == worker then
        held[#held + 1] = {id = id, attempt = f[3], token = tonumber(f[4]) or 0}
      end
    end
    -- SMEMBERS has no order; going newest lease first leaves the oldest at the front of the list,
    -- so the jobs run again in the order they were leased.
    table.sort(held, function(a, b) return a.token > b.token end)
    for _, job in ipairs(held) do
      lose_lease(job.id, count_attempt, 'worker ' .. worker .. ' stopped while running attempt ' .. (job.attempt or '?'),
        tonumber(ARGV[4]), tonumber(ARGV[5]))
    end
    local moved = #held + released
    redis.call('DEL', wset)
    if waiting_count() > 0 then wake() end
    publish_events()
    return moved
    """#

    /// Releases a worker's sticky queue to the shared lists (see `release_sticky`): a drain begins.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] worker id. Returns the number of jobs moved.
    static let releaseStickyBody = #"""
    local moved = release_sticky(ARGV[2])
    if moved > 0 then wake() end
    publish_events()
    return moved
    """#

    /// Takes back leases whose deadline passed (a host that died without a supervisor to say so).
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] dead-letter retention ms, ARGV[3] retention count.
    /// Returns the number of leases taken back.
    static let reapBody = #"""
    local n = reap_expired(1000, tonumber(ARGV[2]), tonumber(ARGV[3]))
    if n > 0 and waiting_count() > 0 then wake() end
    publish_events()
    return n
    """#

    /// Sends a dead job back to waiting with a fresh set of attempts; its history stays.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P, ARGV[2] id. Returns 1 moved, 0 not dead.
    static let retryDeadBody = #"""
    local id = ARGV[2]
    local jk = P .. 'job:' .. id
    local f = redis.call('HMGET', jk, 'st', 'pri')
    if f[1] ~= 'dead' then return 0 end
    redis.call('ZREM', P .. 'dead', id)
    redis.call('PERSIST', jk)
    redis.call('HSET', jk, 'st', 'waiting', 'att', 0)
    redis.call('HDEL', jk, 'ftok', 'fu', 'due')
    redis.call('LPUSH', P .. 'wait:' .. f[2], id)
    wake()
    event('waiting', id)
    publish_events()
    return 1
    """#

    /// Deletes every dead job of a queue.
    ///
    /// KEYS[1] `P meta`; ARGV[1] P. Returns how many were deleted.
    static let purgeDeadBody = #"""
    local ids = redis.call('ZRANGE', P .. 'dead', 0, -1)
    for i = 1, #ids, 500 do
      local keys = {}
      for j = i, math.min(i + 499, #ids) do keys[#keys + 1] = P .. 'job:' .. ids[j] end
      redis.call('DEL', unpack(keys))
    end
    redis.call('DEL', P .. 'dead')
    return #ids
    """#
}
