-- sliding_window_counter: the previous aligned window's count weighted by the
-- part of it still inside the sliding window, plus the current count.
-- State '<ddd': start = ws of the current window, p = previous count, c = current.
local function sliding_window_counter(slot, L, W, t)
  local ws = idiv(t, W) * W
  local p, c = 0, 0
  local start, sp, sc = load_state(slot, '<ddd')
  if start == ws then
    p, c = sp, sc
  elseif start == ws - W then
    p = sc
  end
  local e = t - ws
  local allowed = p * (W - e) + (c + 1) * W <= L * W
  local retry = 0
  if allowed then
    c = c + 1
  else
    local done = false
    if c + 1 <= L and p > 0 then -- may pass later in this window
      local e1 = W - idiv((L - 1 - c) * W, p)
      if e1 < W then
        retry, done = e1 - e, true
      end
    end
    if not done then -- in the next window, where this count becomes p
      local e2 = 0
      if c > 0 then e2 = math.max(0, W - idiv((L - 1) * W, c)) end
      retry = (W - e) + e2
    end
  end
  local remaining = idiv(math.max(0, L * W - p * (W - e) - c * W), W)
  local reset = 0
  if c > 0 then
    reset = (W - e) + W
  elseif p > 0 then
    reset = W - e
  end
  return allowed, remaining, reset, retry, function()
    return struct.pack('<ddd', ws, p, c), reset
  end
end
