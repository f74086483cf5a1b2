import DroverRedis

/// The Lua scripts that move jobs; each state change of a Redis-backed job is exactly one script call.
///
/// Every key of one queue shares the hash tag `{rag:<type>}` (see `QueueKeys`), so a script only ever
/// touches one cluster slot. Scripts build per-job key names from the prefix passed in ARGV[1], as
/// BullMQ does; they never touch a key outside their queue's tag.
///
/// Each script is the shared `library` followed by its body. Times come from the server's `TIME`,
/// so every host agrees on due dates and lease deadlines.
enum QueueScript {
    static let enqueue = RedisScript(name: "drover-enqueue", source: library + enqueueBody)
    static let reserve = RedisScript(name: "drover-reserve", source: library + reserveBody)
    static let finish = RedisScript(name: "drover-finish", source: library + finishBody)
    static let progress = RedisScript(name: "drover-progress", source: library + progressBody)
    static let extend = RedisScript(name: "drover-extend", source: library + extendBody)
    static let cancel = RedisScript(name: "drover-cancel", source: library + cancelBody)
    static let requeueWorker = RedisScript(name: "drover-requeue-worker", source: library + requeueWorkerBody)
    static let reap = RedisScript(name: "drover-reap", source: library + reapBody)
    static let retryDead = RedisScript(name: "drover-retry-dead", source: library + retryDeadBody)
    static let purgeDead = RedisScript(name: "drover-purge-dead", source: library + purgeDeadBody)
    static let releaseSticky = RedisScript(name: "drover-release-sticky", source: library + releaseStickyBody)

    static let all = [enqueue, reserve, finish, progress, extend, cancel, requeueWorker, reap, retryDead, purgeDead, releaseSticky]

    /// Helpers shared by every script. `P` is the queue's key prefix, `drover:{rag:<type>}:`.
    ///
    /// Times: milliseconds as Lua numbers (13 digits survive Lua's `%.14g`); microseconds only as
    /// strings, because 16 digits do not.
    static let library = #"""
    local P = ARGV[1]
    local T = redis.call('TIME')
    local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
    local NOW_US = T[1] .. string.format('%06d', tonumber(T[2]))
    -- NOW as text, for arguments repeated per job: a Lua number is formatted anew on every call.
    local NOW_TEXT = tostring(NOW)
    local events = {}
    -- A member of `P active` over zset-max-listpack-value (64 bytes), scored +inf so no reaper or
    -- count by deadline ever sees it: it keeps the set a skiplist. As a listpack (up to 128 leases)
    -- every ZADD/ZREM scans the set and parses each score back from text, which made the leases
    -- index the most expensive command of a busy drain.
    local ACTIVE_PIN = '~pin: keeps this lease index a skiplist; never a job id, never expires'

    -- A job that carries a webhook and just ended `completed` or `dead` is also collected here,
    -- for `P events:webhook`, so webhook dispatchers hear of nothing else.
    local webhook_events = {}

    local function collect(lists, status, id)
      local list = lists[status]
      if not list then list = {}; lists[status] = list end
      list[#list + 1] = id
    end
    local function event(status, id) collect(events, status, id) end
    local function webhook_event(status, id) collect(webhook_events, status, id) end

    -- One message per status per call: "completed id1 id2 ...", on that status's channel, and
    -- for jobs with a webhook on the webhook channel too.
    local function publish_events()
      for status, ids in pairs(events) do
        redis.call('PUBLISH', P .. 'events:' .. status, status .. ' ' .. table.concat(ids, ' '))
      end
      for status, ids in pairs(webhook_events) do
        redis.call('PUBLISH', P .. 'events:webhook', status .. ' ' .. table.concat(ids, ' '))
      end
    end

    local function wake()
      redis.call('ZADD', P .. 'marker', 0, '0')
    end

    -- Calls redis.call(command, key, args...) in chunks, because Lua's unpack has a small stack.
    -- Returns the chunks' array replies joined in order (for HMGET), or {} for other replies.
    local function call_chunked(command, key, args)
      local out, i = {}, 1
      while i <= #args do
        local last = math.min(i + 999, #args)
        local reply = redis.call(command, key, unpack(args, i, last))
        if type(reply) == 'table' then
          for j = 1, #reply do out[#out + 1] = reply[j] end
        end
        i = last + 1
      end
      return out
    end

    -- Keeps an index of finished jobs within its age and count limits; expired job hashes go by TTL,
    -- those pushed out by count are deleted here, a bounded number per call so the cost stays flat.
    local function trim_index(key, retention_ms, cap, most)
      redis.call('ZREMRANGEBYSCORE', key, '-inf', NOW - retention_ms)
      local excess = redis.call('ZCARD', key) - cap
      if excess > 0 then
        local old = redis.call('ZPOPMIN', key, math.min(excess, most))
        for i = 1, #old, 2 do redis.call('DEL', P .. 'job:' .. old[i]) end
      end
    end

    local function retire(index, id, retention_ms, cap)
      redis.call('ZADD', P .. index, NOW, id)
      redis.call('PEXPIRE', P .. 'job:' .. id, retention_ms)
      trim_index(P .. index, retention_ms, cap, 16)
    end

    local function add_history(jk, attempt, message, worker)
      local entry = cjson.encode({attempt = tonumber(attempt), error = message, worker = worker or '', at = NOW})
      local hist = redis.call('HGET', jk, 'hist')
      if hist then hist = string.sub(hist, 1, -2) .. ',' .. entry .. ']' else hist = '[' .. entry .. ']' end
      redis.call('HSET', jk, 'hist', hist, 'err', message)
    end

    -- Takes a lease away from a job that is active. With count_attempt the attempt stands (the
    -- worker died or its lease ran out); a job out of attempts goes to the dead-letter queue.
    -- Returns 'waiting' or 'dead'.
    local function lose_lease(id, count_attempt, reason, dead_retention_ms, cap)
      local jk = P .. 'job:' .. id
      local f = redis.call('HMGET', jk, 'w', 'att', 'rt', 'pri', 'hook')
      redis.call('ZREM', P .. 'active', id)
      if f[1] then redis.call('SREM', P .. 'worker:' .. f[1], id) end
      local attempts = tonumber(f[2]) or 0
      if count_attempt then
        add_history(jk, attempts, reason, f[1])
        if attempts >= (tonumber(f[3]) or 0) + 1 then
          redis.call('HSET', jk, 'st', 'dead', 'fu', NOW_US)
          redis.call('HDEL', jk, 'tok')
          retire('dead', id, dead_retention_ms, cap)
          event('dead', id)
          if f[5] then webhook_event('dead', id) end
          return 'dead'
        end
      else
        redis.call('HINCRBY', jk, 'att', -1)
      end
      redis.call('HSET', jk, 'st', 'waiting')
      redis.call('HDEL', jk, 'tok')
      redis.call('RPUSH', P .. 'wait:' .. (f[4] or 'normal'), id)
      event('waiting', id)
      return 'waiting'
    end

    -- Moves due delayed and backed-off jobs to the back of their priority list.
    local function promote_due()
      local moved = 0
      for _, set in ipairs({'delayed', 'retry'}) do
        local due = redis.call('ZRANGEBYSCORE', P .. set, '-inf', NOW, 'LIMIT', 0, 1000)
        for _, id in ipairs(due) do
          local pri = redis.call('HGET', P .. 'job:' .. id, 'pri')
          redis.call('ZREM', P .. set, id)
          if pri then
            redis.call('HSET', P .. 'job:' .. id, 'st', 'waiting')
            redis.call('LPUSH', P .. 'wait:' .. pri, id)
            event('waiting', id)
            moved = moved + 1
          end
        end
      end
      return moved
    end

    local function reap_expired(limit, dead_retention_ms, cap)
      local expired = redis.call('ZRANGEBYSCORE', P .. 'active', '-inf', NOW - 1, 'LIMIT', 0, limit)
      for _, id in ipairs(expired) do
        local w = redis.call('HGET', P .. 'job:' .. id, 'w') or '?'
        lose_lease(id, true, 'lease expired (worker ' .. w .. ')', dead_retention_ms, cap)
      end
      return #expired
    end

    -- A worker's sticky queue is `P sticky:<worker>` (LPUSH in, RPOP out), its wake marker
    -- `P marker:<worker>`; `P meta` field `sw` counts the jobs in every sticky queue of this type.
    -- Releasing moves the jobs still waiting to the front of the shared lists, oldest first in line,
    -- and leaves `P gone:<worker>` for an hour (worker ids are never reused), so a job routed to
    -- the worker afterwards goes to the shared lists: none is stranded, none is moved twice.
    local function release_sticky(worker)
      local sk = P .. 'sticky:' .. worker
      local ids = redis.call('LRANGE', sk, 0, -1)
      redis.call('DEL', sk, P .. 'marker:' .. worker)
      redis.call('SET', P .. 'gone:' .. worker, '1', 'PX', 3600000)
      if #ids == 0 then return 0 end
      redis.call('HINCRBY', P .. 'meta', 'sw', -#ids)
      local moved = 0
      -- Newest first, so the oldest is pushed last and ends up first in line.
      for _, id in ipairs(ids) do
        local jk = P .. 'job:' .. id
        local f = redis.call('HMGET', jk, 'st', 'pri')
        if f[1] == 'waiting' then
          redis.call('HDEL', jk, 'tw')
          redis.call('RPUSH', P .. 'wait:' .. (f[2] or 'normal'), id)
          moved = moved + 1
        end
      end
      return moved
    end

    local function waiting_count()
      return redis.call('LLEN', P .. 'wait:high') + redis.call('LLEN', P .. 'wait:normal')
        + redis.call('LLEN', P .. 'wait:low')
    end

    """#
}
