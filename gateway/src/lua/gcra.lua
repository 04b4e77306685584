-- gcra: theoretical arrival time TAT = tat + frac / L (emission interval
-- T = W / L kept exact), burst tolerance W - T. State '<dd': tat, frac.
-- A missing state is TAT <= now: the state is kept until TAT passes.
local function gcra(slot, L, W, t)
  local C = L * W
  local D = 0 -- (max(TAT, t) - t) * L
  local tat, frac = load_state(slot, '<dd')
  -- A TAT more than 2W ahead (Redis's clock stepped back) counts as 2W, as in the
  -- C++ twin: the client waits at most about a window longer, never forever.
  if tat and tat >= t then D = math.min(tat - t, 2 * W) * L + frac end
  local D2 = D + W
  local allowed = D2 <= C
  local retry = 0
  if allowed then
    D = D2
  else
    retry = cdiv(D2 - C, L)
  end
  local reset = cdiv(D, L)
  return allowed, idiv(math.max(0, C - D), W), reset, retry, function()
    local whole = idiv(D, L)
    return struct.pack('<dd', t + whole, D - whole * L), reset
  end
end
