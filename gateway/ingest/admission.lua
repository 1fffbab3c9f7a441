-- Throttle and idempotency in one round trip (gateway/ingest/admission.py explains it).
-- ARGV: windows n, member, has-idempotency, fingerprint, lock ms, record ttl ms, the
-- attempt's Unix ms, then amount and ms per window; KEYS: the n windows, the record.
local n = tonumber(ARGV[1])
local member = ARGV[2]
local has_idem = ARGV[3] == '1'
local fp = ARGV[4]
local lock_ms = tonumber(ARGV[5])
local ttl_ms = tonumber(ARGV[6])
local first_ms = ARGV[7]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counts = {}
local retry = 0
for i = 1, n do
  local q = tonumber(ARGV[6 + 2 * i])
  local w = tonumber(ARGV[7 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - w)
  local c = redis.call('ZCARD', KEYS[i])
  counts[i] = c
  if c >= q then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local wait = tonumber(oldest[2]) + w - now
    if wait > retry then retry = wait end
  end
end
if retry > 0 then
  return {0, retry, 'none', '', ''}
end
local state = 'none'
local resp = ''
local tp = ''
if has_idem then
  local key = KEYS[n + 1]
  local head = fp .. '\n'
  -- reserved: '-' fp \n lock end (Redis ms) \n first attempt (Unix ms), for the key's life
  local rec = redis.call('SET', key, '-' .. head .. (now + lock_ms) .. '\n' .. first_ms,
    'NX', 'GET', 'PX', ttl_ms)
  if not rec then
    state = 'new'
  elseif string.sub(rec, 2, #head + 1) ~= head then
    state = 'mismatch'
  else
    local kind = string.sub(rec, 1, 1)
    local rest = string.sub(rec, #head + 2)
    if kind == 'd' then
      state = 'done'
      local nl = string.find(rest, '\n', 1, true)
      tp = string.sub(rest, 1, nl - 1)
      resp = string.sub(rest, nl + 1)
    else
      -- 'r': released after a failure; '-': held, or left by a gateway that died (taken
      -- over once its lock has ended). Either way the retry keeps the first attempt's time.
      local open = kind == 'r'
      local first = rest
      if kind == '-' then
        local nl = string.find(rest, '\n', 1, true)
        open = nl ~= nil and tonumber(string.sub(rest, 1, nl - 1)) <= now
        if nl then first = string.sub(rest, nl + 1) end
      end
      if open then
        state = 'retry'
        resp = first
        redis.call('SET', key, '-' .. head .. (now + lock_ms) .. '\n' .. first, 'PX', ttl_ms)
      else
        state = 'inflight'
      end
    end
  end
end
local out = {1, 0, state, resp, tp}
for i = 1, n do
  local q = tonumber(ARGV[6 + 2 * i])
  local w = tonumber(ARGV[7 + 2 * i])
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], w)
  local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  out[4 + 2 * i] = q - counts[i] - 1
  out[5 + 2 * i] = tonumber(oldest[2]) + w - now
end
return out
