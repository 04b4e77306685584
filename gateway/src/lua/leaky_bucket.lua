-- leaky_bucket: a meter whose level v (scaled by W) leaks L units/µs; each
-- allowed request adds W; capacity C = L * W. State '<dd': v, ts = time of v.
-- A missing state is an empty meter: the state is kept until it has drained.
local function leaky_bucket(slot, L, W, t)
  local C = L * W
  local v = 0
  local v0, ts = load_state(slot, '<dd')
  if v0 then
    local e = math.min(math.max(0, t - ts), W)
    v = math.max(0, v0 - e * L)
  end
  local allowed = v + W <= C
  local retry = 0
  if allowed then
    v = v + W
  else
    retry = cdiv(v + W - C, L)
  end
  local reset = cdiv(v, L)
  return allowed, idiv(math.max(0, C - v), W), reset, retry, function()
    return struct.pack('<dd', v, t), reset
  end
end
