-- sliding_window_counter: the previous aligned window's count weighted by the
-- part of it still inside the sliding window, plus the current count.
-- State (hash): start = ws of the current window, p = previous count, c = current.
local function sliding_window_counter(key, L, W, t)
  local ws = idiv(t, W) * W
  local p, c = 0, 0
  local state = redis.call('HMGET', key, 'start', 'p', 'c')
  if state[1] then
    local start = tonumber(state[1])
    if start == ws then
      p, c = tonumber(state[2]), tonumber(state[3])
    elseif start == ws - W then
      p = tonumber(state[3])
    end
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
    redis.call('HSET', key, 'start', ws, 'p', p, 'c', c)
    redis.call('PEXPIRE', key, ttl_ms(reset))
  end
end
