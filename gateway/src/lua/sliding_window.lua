-- sliding_window: exact log, at most L requests in (t - W, t].
-- State (zset): one member per allowed request, scored by its time (µs).
local function sliding_window(key, L, W, t)
  -- Dropping expired entries even on a denial changes no future decision.
  redis.call('ZREMRANGEBYSCORE', key, '-inf', t - W)
  local n = redis.call('ZCARD', key)
  local allowed = n < L
  local retry, reset = 0, 0
  if allowed then
    n = n + 1
    reset = W -- the newest entry is t
  else
    -- n == L: the oldest entry must leave (n > L only after L was lowered)
    local leaving = redis.call('ZRANGE', key, n - L, n - L, 'WITHSCORES')
    retry = tonumber(leaving[2]) + W - t
    local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    reset = tonumber(newest[2]) + W - t
  end
  local before = n - (allowed and 1 or 0)
  return allowed, math.max(0, L - n), reset, retry, function()
    -- the count makes the member unique among requests in the same µs
    redis.call('ZADD', key, t, int(t) .. ':' .. before)
    redis.call('PEXPIRE', key, ttl_ms(W))
  end
end
