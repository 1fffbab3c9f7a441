-- wrk script of bench/ingest: authenticated, idempotency-keyed order POSTs to /v1/orders.
--
-- Environment (set by bench/ingest/loadgen.py):
--   BENCH_BODY_FILE      JSON body with @@N@@ where the order number goes
--   BENCH_API_KEY        partner API key, sent as "Authorization: Bearer <key>"
--   BENCH_RUN            run id: keys are <run>-<thread>-<n>, unique per request
--   BENCH_PATH           request path (default /v1/orders)
--   BENCH_PORTS          optional "p1,p2,...": thread i talks to port p[(i-1) % #p + 1]
--   BENCH_MAX_PER_THREAD stop a thread after this many responses (a safety bound)
-- At the end it prints one line "BENCH_RESULT {json}" with counts, statuses and latency.

local threads = {}

local function ports()
  local list = {}
  for p in string.gmatch(os.getenv("BENCH_PORTS") or "", "%d+") do
    list[#list + 1] = p
  end
  return list
end

function setup(thread)
  local index = #threads + 1
  local list = ports()
  if #list > 0 then
    thread.addr = wrk.lookup("127.0.0.1", list[((index - 1) % #list) + 1])[1]
  end
  thread:set("tid", index)
  threads[index] = thread
end

local prefix, suffix, key_base, headers, path
local sent, received, max_requests = 0, 0, 0
statuses = {}

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
  local template = f:read("*a")
  f:close()
  prefix, suffix = template:match("^(.-)@@N@@(.*)$")
  key_base = os.getenv("BENCH_RUN") .. "-" .. tid .. "-"
  path = os.getenv("BENCH_PATH") or "/v1/orders"
  max_requests = tonumber(os.getenv("BENCH_MAX_PER_THREAD") or "1000000000")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  sent = sent + 1
  local key = key_base .. sent
  headers["Idempotency-Key"] = key
  return wrk.format("POST", path, headers, prefix .. key .. suffix)
end

function response(status, hdrs, body)
  local s = tostring(status)
  statuses[s] = (statuses[s] or 0) + 1
  received = received + 1
  if received >= max_requests then
    wrk.thread:stop()
  end
end

local function json_object(t)
  local parts = {}
  for k, v in pairs(t) do
    parts[#parts + 1] = string.format("%q:%d", tostring(k), v)
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("statuses") or {}) do
      merged[k] = (merged[k] or 0) + v
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":%s,"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},' ..
    '"threads":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    json_object(merged),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, #threads))
end
