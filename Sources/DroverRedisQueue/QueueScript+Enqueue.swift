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
    /// Dedup claims live in hashes, one per window-long bucket of server time and shard (the digest's
    /// first byte mod 4): `P dedup:<window ms>:<bucket>:<shard>`, field the digest, value `<claim ms> <id>`.
    /// A claim in the current bucket is inside the window by construction, one in the previous
    /// bucket is checked by its time, older ones cannot be inside it. Two lookups and one write per
    /// shard and batch replace a key with its own expiry per job, which cost Redis about half of an
    /// enqueue's CPU. A shard gets its expiry when it is made (marked by its field `~`), and the same
    /// shard two buckets back is unlinked then (freed off Redis's main thread), or expires anyway.
    /// Expiry frees a key on Redis's main thread (a 500,000-claim hash took 174 ms here), so the
    /// shards, which expire 100 ms apart, quarter the longest such pause; more shards cost more
    /// calls per batch than they saved.
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
    -- Dedup: digest -> id of a claim inside the window, this call's own claims included.
    local window, claims = tonumber(ARGV[2]), {}
    -- Per shard, in order of first use: the batch's digests, its new claims, whether this call makes it.
    local shards, digests_of, new_claims, fresh_shards = {}, {}, {}, {}
    local function shard_of(digest) return string.byte(digest, 1) % 4 end
    local dedup_base, bucket = nil, nil
    if window > 0 then
      for i = 0, n - 1 do
        local digest = ARGV[14 + i * 10]
        if digest ~= '' then
          local shard = shard_of(digest)
          local list = digests_of[shard]
          if not list then list = {}; digests_of[shard] = list; shards[#shards + 1] = shard end
          list[#list + 1] = digest
        end
      end
      dedup_base, bucket = P .. 'dedup:' .. ARGV[2] .. ':', math.floor(NOW / window)
      -- The id of a claim made inside the window, or nil (no claim, an old one, or garbage).
      local function live_claim(value)
        local space = value and string.find(value, ' ', 1, true)
        local at = space and tonumber(string.sub(value, 1, space - 1))
        if at and NOW - at < window then
          return string.sub(value, space + 1)
        end
      end
      for _, shard in ipairs(shards) do
        local digests = digests_of[shard]
        local previous = call_chunked('HMGET', dedup_base .. (bucket - 1) .. ':' .. shard, digests)
        -- The current shard's '~' field is set when the shard is made, so its absence says this
        -- call makes it, and only then does the shard need its expiry and the old one unlinking.
        digests[#digests + 1] = '~'
        local current = call_chunked('HMGET', dedup_base .. bucket .. ':' .. shard, digests)
        digests[#digests] = nil
        if not current[#current] then fresh_shards[shard] = true end
        for i = 1, #digests do
          claims[digests[i]] = live_claim(current[i]) or live_claim(previous[i])
        end
      end
    end
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
      local digest = ARGV[b + 9]
      if not existing and dedup_base and digest ~= '' then
        existing = claims[digest]
        if not existing then
          claims[digest] = id
          local shard = shard_of(digest)
          local list = new_claims[shard]
          if not list then list = {}; new_claims[shard] = list end
          list[#list + 1] = digest
          list[#list + 1] = NOW_TEXT .. ' ' .. id
        end
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
    local old_buckets = {}
    for _, shard in ipairs(shards) do
      local list = new_claims[shard]
      if list then
        local key = dedup_base .. bucket .. ':' .. shard
        if fresh_shards[shard] then
          list[#list + 1] = '~'
          list[#list + 1] = '1'
        end
        call_chunked('HSET', key, list)
        if fresh_shards[shard] then
          -- Staggered by shard, so that Redis's own expiry frees one shard at a time.
          redis.call('PEXPIREAT', key, (bucket + 2) * window + 1000 + 100 * shard)
          old_buckets[#old_buckets + 1] = dedup_base .. (bucket - 2) .. ':' .. shard
        end
      end
    end
    if #old_buckets > 0 then redis.call('UNLINK', unpack(old_buckets)) end
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
