-- token_bucket: tokens scaled by W (one token = W units, refill L units/µs,
-- capacity C = L * W). State (hash): s = units, ts = time of s. A missing key
-- is a full bucket, so the key expires when the bucket would be full again.
local function token_bucket(key, L, W, t)
  local C = L * W
  local s = C
  local state = redis.call('HMGET', key, 's', 'ts')
  if state[1] then
    local e = math.min(math.max(0, t - tonumber(state[2])), W)
    s = math.min(C, tonumber(state[1]) + e * L)
  end
  local allowed = s >= W
  if allowed then s = s - W end
  local reset = cdiv(C - s, L)
  local retry = allowed and 0 or cdiv(W - s, L)
  return allowed, idiv(s, W), reset, retry, function()
    redis.call('HSET', key, 's', s, 'ts', t)
    redis.call('PEXPIRE', key, ttl_ms(reset))
  end
end
