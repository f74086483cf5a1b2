extension QueueScript {
    /// Accepts a batch of jobs into one queue.
    ///
    /// KEYS[1]  `P meta` (declared so the call routes to the queue's slot)
    /// ARGV[1]  P, the queue's key prefix
    /// ARGV[2]  dedup window, ms
    /// ARGV[3]  idempotency-key lifetime, ms
    /// ARGV[4]  n, the number of jobs; then 10 fields per job:
    ///          id, priority, payload (canonical JSON), timeout ms, retries, webhook or '',
    ///          idempotency key or '', delay ms, target worker or '',
    ///          dedup digest (SHA-1 hex of the payload) or '' for no dedup
    ///          A job with a target worker that is not gone goes to its sticky queue (see
    ///          `release_sticky`) and wakes only that worker; a delayed job always goes to the shared lists.
    /// Returns  a flat array: for each job, the id it maps to and 1 if that is an earlier job, else 0.
    ///          Ids are not checked for collision: an id is the millisecond and 64 bits from the
    ///          system's random source, so two ids meet with odds of 2^-64 even within one millisecond.
    static let enqueueBody = #"""
    local n = tonumber(ARGV[4])
    local out = {}
    local pushes = {high = {}, normal = {}, low = {}}
    -- Per target worker, in batch order: one LPUSH, one counter update and one wake each.
    local sticky_pushes, sticky_targets = {}, {}
    local job_prefix = P .. 'job:'
    -- A waiting worker sleeps until the due date it knew of; a new delayed job wakes it to look again.
    local scheduled = false
    for i = 0, n - 1 do
      local b = 5 + i * 10
      local id, pri, payload = ARGV[b], ARGV[b + 1], ARGV[b + 2]
      local hook, idem, delay, target = ARGV[b + 5], ARGV[b + 6], tonumber(ARGV[b + 7]), ARGV[b + 8]
      local existing = false
      local idem_key = nil
      if idem ~= '' then
        idem_key = P .. 'idem:' .. idem
        existing = redis.call('GET', idem_key)
      end
      if not existing and ARGV[b + 9] ~= '' then
        -- Claims the dedup key and reads an earlier claim in one call (SET … NX GET: Redis 7.0+);
        -- the key is left as it was when another job holds it.
        existing = redis.call('SET', P .. 'dedup:' .. ARGV[b + 9], id, 'PX', ARGV[2], 'NX', 'GET')
      end
      if existing then
        out[#out + 1] = existing
        out[#out + 1] = 1
      else
        local jk = job_prefix .. id
        local st = 'waiting'
        if delay > 0 then st = 'delayed' end
        local sticky = delay == 0 and target ~= '' and redis.call('EXISTS', P .. 'gone:' .. target) == 0
        -- One HSET per job, optional fields included. No 'att' field: every reader takes a missing
        -- one as 0. The plain job, the usual one, skips building a table of fields.
        if hook == '' and not idem_key and delay == 0 and not sticky then
          redis.call('HSET', jk, 'pri', pri, 'pl', payload, 'to', ARGV[b + 3], 'rt', ARGV[b + 4], 'ct', NOW_US, 'st', st)
        else
          local fields = {'pri', pri, 'pl', payload, 'to', ARGV[b + 3], 'rt', ARGV[b + 4], 'ct', NOW_US, 'st', st}
          if hook ~= '' then fields[#fields + 1] = 'hook'; fields[#fields + 1] = hook end
          if idem_key then fields[#fields + 1] = 'idem'; fields[#fields + 1] = idem end
          if delay > 0 then fields[#fields + 1] = 'due'; fields[#fields + 1] = NOW + delay end
          if sticky then fields[#fields + 1] = 'tw'; fields[#fields + 1] = target end
          redis.call('HSET', jk, unpack(fields))
        end
        if idem_key then redis.call('SET', idem_key, id, 'PX', ARGV[3]) end
        if delay > 0 then
          redis.call('ZADD', P .. 'delayed', NOW + delay, id)
          scheduled = true
          event('delayed', id)
        elseif sticky then
          local list = sticky_pushes[target]
          if not list then list = {}; sticky_pushes[target] = list; sticky_targets[#sticky_targets + 1] = target end
          list[#list + 1] = id
          event('waiting', id)
        else
          local list = pushes[pri]
          list[#list + 1] = id
          event('waiting', id)
        end
        out[#out + 1] = id
        out[#out + 1] = 0
      end
    end
    local woke = scheduled
    for _, pri in ipairs({'high', 'normal', 'low'}) do
      if #pushes[pri] > 0 then
        call_chunked('LPUSH', P .. 'wait:' .. pri, pushes[pri])
        woke = true
      end
    end
    if woke then wake() end
    for _, target in ipairs(sticky_targets) do
      local ids = sticky_pushes[target]
      call_chunked('LPUSH', P .. 'sticky:' .. target, ids)
      redis.call('HINCRBY', P .. 'meta', 'sw', #ids)
      redis.call('ZADD', P .. 'marker:' .. target, 0, '0')
    end
    publish_events()
    return out
    """#
}
