-- fixed_window: at most L per window aligned to the epoch, [ws, ws + W).
-- State '<dd': start = ws of the counted window, n = requests in it. Keeping
-- start makes the count exact even though the TTL (ms) lags the µs boundary.
local function fixed_window(slot, L, W, t)
  local ws = idiv(t, W) * W
  local n = 0
  local start, counted = load_state(slot, '<dd')
  if start == ws then n = counted end
  local allowed = n < L
  if allowed then n = n + 1 end
  local reset = ws + W - t
  return allowed, math.max(0, L - n), reset, allowed and 0 or reset, function()
    return struct.pack('<dd', ws, n), reset
  end
end
