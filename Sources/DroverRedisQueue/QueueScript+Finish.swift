extension QueueScript {
    /// Records how a batch of attempts ended: one round trip for many acks.
    ///
    /// A write is fenced: it lands only while the job is active under the same token. Repeating a
    /// finish that already landed with that token (a reply lost on the way back) answers as the
    /// first one did, so acks can be retried safely.
    ///
    /// KEYS[1]  `P meta`
    /// ARGV[1]  P
    /// ARGV[2]  completed retention, ms
    /// ARGV[3]  dead-letter retention, ms
    /// ARGV[4]  retention count
    /// ARGV[5]  retry base ms, ARGV[6] retry max ms, ARGV[7] retry jitter (0…1): the backoff after
    ///          attempt a is min(base × 2^(a-1), max) × (1 - jitter + 2 × jitter × r), mirroring
    ///          `QueuePolicy.retryDelayMs`, with r drawn by the client per outcome
    /// ARGV[8]  n; then 6 fields per outcome:
    ///          id, token, kind ('c' completed, 'f' failed and retryable, 'x' failed for good),
    ///          result JSON or error text, r (a random number in 0…1), handler time µs
    /// Returns  per outcome: {'completed'} | {'retry', due ms} | {'dead'} | {'stale'} | {'missing'}
    ///          flattened as pairs: code, due-or-0.
    static let finishBody = #"""
    local completed_ms, dead_ms, cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
    local retry_base, retry_max, jitter = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
    local n = tonumber(ARGV[8])
    local out = {}
    local finished, busy_us = 0, 0
    -- Batched index updates: one ZREM/SREM/ZADD per call instead of one per job.
    local unleased, by_worker, completed_args = {}, {}, {}
    local job_prefix = P .. 'job:'
    local scheduled = false
    for i = 0, n - 1 do
      local b = 9 + i * 6
      local id, token, kind, data = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
      local jk = job_prefix .. id
      local f = redis.call('HMGET', jk, 'st', 'tok', 'w', 'hook')
      local code, due = 'stale', 0
      if not f[1] then
        code = 'missing'
      elseif f[1] == 'active' and f[2] == token then
        unleased[#unleased + 1] = id
        local w = f[3] or ''
        if not by_worker[w] then by_worker[w] = {} end
        local list = by_worker[w]
        list[#list + 1] = id
        finished = finished + 1
        busy_us = busy_us + (tonumber(ARGV[b + 5]) or 0)
        if kind == 'c' then
          redis.call('HSET', jk, 'st', 'completed', 'res', data, 'ftok', token, 'fu', NOW_US)
          redis.call('PEXPIRE', jk, ARGV[2])
          completed_args[#completed_args + 1] = NOW_TEXT
          completed_args[#completed_args + 1] = id
          event('completed', id)
          if f[4] then webhook_event('completed', id) end
          code = 'completed'
        else
          redis.call('HSET', jk, 'ftok', token, 'fu', NOW_US)
          local more = redis.call('HMGET', jk, 'att', 'rt')
          local attempt, retries = tonumber(more[1]) or 1, tonumber(more[2]) or 0
          add_history(jk, attempt, data, f[3])
          if kind == 'f' and attempt < retries + 1 then
            local exponent = math.min(math.max(attempt - 1, 0), 30)
            local delay = math.min(retry_base * 2 ^ exponent, retry_max)
            delay = math.min(math.floor(delay * (1 - jitter + 2 * jitter * tonumber(ARGV[b + 4]))), retry_max)
            due = NOW + delay
            redis.call('HSET', jk, 'st', 'failed', 'due', due)
            redis.call('ZADD', P .. 'retry', due, id)
            scheduled = true
            event('failed', id)
            code = 'retry'
          else
            redis.call('HSET', jk, 'st', 'dead')
            retire('dead', id, dead_ms, cap)
            event('dead', id)
            if f[4] then webhook_event('dead', id) end
            code = 'dead'
          end
        end
      else
        local more = redis.call('HMGET', jk, 'ftok', 'due')
        if more[1] == token then
          -- The same finish again (its reply was lost): answer as the first time did. A different
          -- outcome for the same token is a stale write.
          if kind == 'c' and f[1] == 'completed' then code = 'completed'
          elseif kind ~= 'c' and f[1] == 'dead' then code = 'dead'
          elseif kind ~= 'c' and f[1] == 'failed' then code = 'retry'; due = tonumber(more[2]) or 0 end
        end
      end
      out[#out + 1] = code
      out[#out + 1] = due
    end
    if #unleased > 0 then call_chunked('ZREM', P .. 'active', unleased) end
    for w, ids in pairs(by_worker) do call_chunked('SREM', P .. 'worker:' .. w, ids) end
    if #completed_args > 0 then
      call_chunked('ZADD', P .. 'completed', completed_args)
      trim_index(P .. 'completed', completed_ms, cap, #completed_args / 2 + 16)
    end
    if finished > 0 then
      -- Per-minute buckets feed throughput and average processing time; they expire on their own.
      local bucket = P .. 'stats:' .. math.floor(NOW / 60000)
      redis.call('HINCRBY', bucket, 'n', finished)
      redis.call('HINCRBY', bucket, 'us', busy_us)
      redis.call('PEXPIRE', bucket, 7200000)
    end
    -- A waiting worker sleeps until the due date it knew of; a new backoff wakes it to look again.
    if scheduled then wake() end
    publish_events()
    return out
    """#
}
