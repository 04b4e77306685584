-- token_bucket: tokens scaled by W (one token = W units, refill L units/µs,
-- capacity C = L * W). State '<dd': s = units, ts = time of s. A missing state
-- is a full bucket, so the state is kept until the bucket would be full again.
local function token_bucket(slot, L, W, t)
  local C = L * W
  local s = C
  local s0, ts = load_state(slot, '<dd')
  if s0 then
    local e = math.min(math.max(0, t - ts), W)
    s = math.min(C, s0 + e * L)
  end
  local allowed = s >= W
  if allowed then s = s - W end
  local reset = cdiv(C - s, L)
  local retry = allowed and 0 or cdiv(W - s, L)
  return allowed, idiv(s, W), reset, retry, function()
    return struct.pack('<dd', s, t), reset
  end
end
