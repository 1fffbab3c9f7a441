-- Throttle and idempotency in one round trip (gateway/ingest/admission.py explains it).
-- ARGV: windows n, member, has-idempotency, fingerprint, lock ms, ...; KEYS: the n windows, the record.
local n = tonumber(ARGV[1])
local member = ARGV[2]
local has_idem = ARGV[3] == '1'
local fp = ARGV[4]
local lock_ms = tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counts = {}
local retry = 0
for i = 1, n do
  local q = tonumber(ARGV[4 + 2 * i])
  local w = tonumber(ARGV[5 + 2 * i])
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
  local rec = redis.call('SET', key, '-' .. head, 'NX', 'GET', 'PX', lock_ms)
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
    elseif kind == 'r' then
      state = 'retry'
      resp = rest
      redis.call('SET', key, '-' .. head, 'PX', lock_ms)
    else
      state = 'inflight'
    end
  end
end
local out = {1, 0, state, resp, tp}
for i = 1, n do
  local q = tonumber(ARGV[4 + 2 * i])
  local w = tonumber(ARGV[5 + 2 * i])
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], w)
  local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  out[4 + 2 * i] = q - counts[i] - 1
  out[5 + 2 * i] = tonumber(oldest[2]) + w - now
end
return out
