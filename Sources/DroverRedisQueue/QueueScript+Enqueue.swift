extension QueueScript {
    /// Accepts a batch of jobs into one queue.
    ///
    /// KEYS[1]  `P meta` (declared so the call routes to the queue's slot)
    /// ARGV[1]  P, the queue's key prefix
    /// ARGV[2]  dedup window, ms
    /// ARGV[3]  idempotency-key lifetime, ms
    /// ARGV[4]  n, the number of jobs; then 8 fields per job:
    ///          id, priority, payload (canonical JSON), timeout ms, retries, webhook or '',
    ///          idempotency key or '', delay ms
    /// Returns  a flat array: for each job, the id it maps to and 1 if that is an earlier job, else 0.
    ///          A job whose id already exists is an error (64 random bits: never in practice).
    static let enqueueBody = #"""
    local dedup_ms = tonumber(ARGV[2])
    local idem_ms = tonumber(ARGV[3])
    local n = tonumber(ARGV[4])
    local out = {}
    local pushes = {high = {}, normal = {}, low = {}}
    for i = 0, n - 1 do
      local b = 5 + i * 8
      local id, pri, payload = ARGV[b], ARGV[b + 1], ARGV[b + 2]
      local hook, idem, delay = ARGV[b + 5], ARGV[b + 6], tonumber(ARGV[b + 7])
      local existing = false
      local idem_key = nil
      if idem ~= '' then
        idem_key = P .. 'idem:' .. idem
        existing = redis.call('GET', idem_key)
      end
      local dedup_key = P .. 'dedup:' .. redis.sha1hex(payload)
      if not existing then existing = redis.call('GET', dedup_key) end
      if existing then
        out[#out + 1] = existing
        out[#out + 1] = 1
      else
        local jk = P .. 'job:' .. id
        if redis.call('EXISTS', jk) == 1 then return redis.error_reply('ERR job id collision: ' .. id) end
        local st = 'waiting'
        if delay > 0 then st = 'delayed' end
        redis.call('HSET', jk, 'pri', pri, 'pl', payload, 'to', ARGV[b + 3], 'rt', ARGV[b + 4],
          'att', 0, 'ct', NOW_US, 'st', st)
        if hook ~= '' then redis.call('HSET', jk, 'hook', hook) end
        if idem_key then
          redis.call('HSET', jk, 'idem', idem)
          redis.call('SET', idem_key, id, 'PX', idem_ms)
        end
        redis.call('SET', dedup_key, id, 'PX', dedup_ms)
        if delay > 0 then
          redis.call('HSET', jk, 'due', NOW + delay)
          redis.call('ZADD', P .. 'delayed', NOW + delay, id)
          event('delayed', id)
        else
          local list = pushes[pri]
          list[#list + 1] = id
          event('waiting', id)
        end
        out[#out + 1] = id
        out[#out + 1] = 0
      end
    end
    local woke = false
    for _, pri in ipairs({'high', 'normal', 'low'}) do
      if #pushes[pri] > 0 then
        call_chunked('LPUSH', P .. 'wait:' .. pri, pushes[pri])
        woke = true
      end
    end
    if woke then wake() end
    publish_events()
    return out
    """#
}
