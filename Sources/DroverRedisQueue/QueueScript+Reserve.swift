extension QueueScript {
    /// Leases up to `limit` jobs of one queue to a worker: one round trip for the whole batch.
    ///
    /// The worker's own sticky queue comes first, oldest first; the rest of the limit comes from
    /// the shared lists. Sticky jobs left over re-arm the worker's own wake marker.
    ///
    /// First promotes due delayed/backed-off jobs and reclaims up to 16 expired leases, so neither
    /// needs a poller of its own. Picks `high` first, but a waiting `low` job is taken once
    /// `lowEvery` jobs went ahead of it, and a waiting `normal` once `normalEvery` `high` jobs did;
    /// the skip counters live in `P meta` (fields `ls`, `ns`). Re-arms the wake marker when jobs are
    /// left, so the next idle worker wakes too.
    ///
    /// KEYS[1]  `P meta`
    /// ARGV[1]  P
    /// ARGV[2]  worker id
    /// ARGV[3]  limit
    /// ARGV[4]  lease grace, ms (the lease runs for the job's timeout plus this)
    /// ARGV[5]  lowEvery
    /// ARGV[6]  normalEvery
    /// ARGV[7]  dead-letter retention, ms
    /// ARGV[8]  retention count
    /// Returns  { ms until the next scheduled job is due, -1 if none is scheduled, or -2 (not looked
    ///          up) while jobs are still waiting, as no wait follows then; jobs still waiting (shared,
    ///          and this worker's sticky ones); then 9 fields per
    ///          leased job: id, priority, payload, timeout ms, retries, attempt, token, deadline ms,
    ///          created µs }
    static let reserveBody = #"""
    local worker, limit, grace = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
    local low_every, normal_every = tonumber(ARGV[5]), tonumber(ARGV[6])
    promote_due()
    reap_expired(16, tonumber(ARGV[7]), tonumber(ARGV[8]))

    local meta = P .. 'meta'
    local sticky_key = P .. 'sticky:' .. worker
    local sticky_ids, sticky_left = {}, 0
    local sticky_len = redis.call('LLEN', sticky_key)
    if sticky_len > 0 then
      sticky_ids = redis.call('RPOP', sticky_key, math.min(limit, sticky_len)) or {}
      redis.call('HINCRBY', meta, 'sw', -#sticky_ids)
      sticky_left = sticky_len - #sticky_ids
      if sticky_left > 0 then redis.call('ZADD', P .. 'marker:' .. worker, 0, '0') end
    end
    local shared_limit = limit - #sticky_ids

    local skips = redis.call('HMGET', meta, 'ls', 'ns')
    local low_skipped, normal_skipped = tonumber(skips[1]) or 0, tonumber(skips[2]) or 0
    local len = {
      high = redis.call('LLEN', P .. 'wait:high'),
      normal = redis.call('LLEN', P .. 'wait:normal'),
      low = redis.call('LLEN', P .. 'wait:low'),
    }
    -- Plan the picks first (no Redis calls), then pop each list once with RPOP count.
    local order, wanted = {}, {high = 0, normal = 0, low = 0}
    while #order < shared_limit and len.high + len.normal + len.low > 0 do
      local pick
      if len.low > 0 and low_skipped >= low_every then pick = 'low'
      elseif len.normal > 0 and normal_skipped >= normal_every then pick = 'normal'
      elseif len.high > 0 then pick = 'high'
      elseif len.normal > 0 then pick = 'normal'
      else pick = 'low' end
      if pick == 'low' then low_skipped = 0 elseif len.low > 0 then low_skipped = low_skipped + 1 end
      if pick == 'normal' then normal_skipped = 0 elseif pick == 'high' and len.normal > 0 then normal_skipped = normal_skipped + 1 end
      len[pick] = len[pick] - 1
      wanted[pick] = wanted[pick] + 1
      order[#order + 1] = pick
    end
    redis.call('HSET', meta, 'ls', low_skipped, 'ns', normal_skipped)

    local popped, next_of = {}, {high = 1, normal = 1, low = 1}
    for pri, n in pairs(wanted) do
      if n > 0 then popped[pri] = redis.call('RPOP', P .. 'wait:' .. pri, n) or {} end
    end
    local out = {0, 0}
    local total = #sticky_ids + #order
    local last_token = redis.call('HINCRBY', meta, 'tok', total)
    local token = last_token - total
    local active_args, leased = {'+inf', ACTIVE_PIN}, {}
    local job_prefix = P .. 'job:'
    local function lease(id, pri)
      local jk = job_prefix .. id
      local f = redis.call('HMGET', jk, 'pl', 'to', 'rt', 'ct', 'att', 'pri')
      token = token + 1
      -- A list entry whose hash is gone (purged) is dropped.
      if f[1] then
        local attempt = (tonumber(f[5]) or 0) + 1
        local deadline = NOW + (tonumber(f[2]) or 30000) + grace
        redis.call('HSET', jk, 'st', 'active', 'w', worker, 'tok', token, 'su', NOW_US, 'att', attempt)
        active_args[#active_args + 1] = deadline
        active_args[#active_args + 1] = id
        leased[#leased + 1] = id
        local b = #out
        out[b + 1] = id; out[b + 2] = pri or f[6]; out[b + 3] = f[1]; out[b + 4] = f[2]; out[b + 5] = f[3]
        out[b + 6] = attempt; out[b + 7] = token; out[b + 8] = deadline; out[b + 9] = f[4]
        event('active', id)
      end
    end
    for _, id in ipairs(sticky_ids) do
      redis.call('HDEL', job_prefix .. id, 'tw')
      lease(id, nil)
    end
    for _, pri in ipairs(order) do
      lease(popped[pri][next_of[pri]], pri)
      next_of[pri] = next_of[pri] + 1
    end
    if #leased > 0 then
      call_chunked('ZADD', P .. 'active', active_args)
      call_chunked('SADD', P .. 'worker:' .. worker, leased)
    end

    local left = len.high + len.normal + len.low
    if left > 0 and #leased > 0 then wake() end
    left = left + sticky_left
    out[2] = left
    local next_due = -1
    -- Only a worker that emptied the queue waits next, so only then is the due date worth two reads.
    if left > 0 then
      out[1] = -2
      publish_events()
      return out
    end
    for _, set in ipairs({'delayed', 'retry'}) do
      local first = redis.call('ZRANGE', P .. set, 0, 0, 'WITHSCORES')
      if first[2] then
        local wait = math.max(0, tonumber(first[2]) - NOW)
        if next_due < 0 or wait < next_due then next_due = wait end
      end
    end
    out[1] = next_due
    publish_events()
    return out
    """#
}
