-- fixed_window: at most L per window aligned to the epoch, [ws, ws + W).
-- State (hash): start = ws of the counted window, n = requests in it. Keeping
-- start makes the count exact even though the TTL (ms) lags the µs boundary.
local function fixed_window(key, L, W, t)
  local ws = idiv(t, W) * W
  local n = 0
  local state = redis.call('HMGET', key, 'start', 'n')
  if state[1] and tonumber(state[1]) == ws then n = tonumber(state[2]) end
  local allowed = n < L
  if allowed then n = n + 1 end
  local reset = ws + W - t
  return allowed, L - n, reset, allowed and 0 or reset, function()
    redis.call('HSET', key, 'start', ws, 'n', n)
    redis.call('PEXPIRE', key, ttl_ms(reset))
  end
end
