-- Driver. KEYS[i] is the state key of limit i (all share one hash tag).
-- ARGV[1]: "" = read the clock with TIME (production), or a time in µs
--          (tests only: lets the shared vectors run with injected time).
-- ARGV[2 + 3(i-1) .. 4 + 3(i-1)]: algorithm id, limit, window in ms, per limit.
-- Reply: { now_s, now_us_part, then per limit: allowed (1/0), remaining,
--          reset_after_us, retry_after_us }.
local t
if ARGV[1] == '' then
  local now = redis.call('TIME')
  t = tonumber(now[1]) * 1000000 + tonumber(now[2])
else
  t = tonumber(ARGV[1])
end

-- Phase 1: decide every limit from its current state; nothing is committed.
local results = {}
local all_allowed = true
for i = 1, #KEYS do
  local at = 2 + (i - 1) * 3
  -- A chain of comparisons, not a table of algorithms: the script body runs
  -- on every call, and building that table each time costs more (callgrind).
  local id, algorithm = ARGV[at], nil
  if id == '0' then
    algorithm = token_bucket
  elseif id == '1' then
    algorithm = leaky_bucket
  elseif id == '2' then
    algorithm = fixed_window
  elseif id == '3' then
    algorithm = sliding_window
  elseif id == '4' then
    algorithm = sliding_window_counter
  elseif id == '5' then
    algorithm = gcra
  end
  if not algorithm then
    return redis.error_reply('ERR floodgate: unknown algorithm ' .. tostring(ARGV[at]))
  end
  local allowed, remaining, reset, retry, commit =
    algorithm(KEYS[i], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]) * 1000, t)
  results[i] = { allowed, remaining, reset, retry, commit }
  all_allowed = all_allowed and allowed
end

-- Phase 2: commit every new state only if every limit allows. A denied check
-- consumes nothing, so a limit that allowed by itself reports remaining + 1.
local reply = { math.floor(t / 1000000), t % 1000000 }
for i = 1, #KEYS do
  local r = results[i]
  local remaining = r[2]
  if all_allowed then
    r[5]()
  elseif r[1] then
    remaining = remaining + 1
  end
  reply[#reply + 1] = r[1] and 1 or 0
  reply[#reply + 1] = remaining
  reply[#reply + 1] = r[3]
  reply[#reply + 1] = r[4]
end
return reply
