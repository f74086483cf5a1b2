-- wrk script: POST /api/rag/noop with a distinct body per request (equal bodies within 5 s would
-- be deduplicated into one job). MODE=sync|async picks ?mode=; default async. TYPE=ask (or any job
-- type) posts there instead; the body carries a "query", so ask and search accept it.
--   wrk -t2 -c64 -d10s -s scripts/wrk/post-noop.lua http://127.0.0.1:8080
local counter = 0
local threads = {}
-- Set per thread by setup(); a global, because thread:set() writes the thread's globals.
thread_id = 0
local mode = os.getenv("MODE") or "async"
local path = "/api/rag/" .. (os.getenv("TYPE") or "noop") .. "?mode=" .. mode
local headers = { ["Content-Type"] = "application/json" }
local token = os.getenv("TOKEN")
if token then headers["Authorization"] = "Bearer " .. token end

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end

function request()
  counter = counter + 1
  local body = '{"query":"q","n":' .. counter .. ',"t":' .. thread_id .. ',"r":' .. math.random(1, 1000000000) .. '}'
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, non-2xx/3xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
