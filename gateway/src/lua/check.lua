-- Driver. KEYS[1] holds the packed states of every limit but the sliding
-- windows, one slot per limit in the route's order; KEYS[2], KEYS[3], ... one
-- sorted set per sliding_window limit, in order. All share one hash tag.
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
-- The packed states are read at the first limit that has a slot, with one GET.
local limits = (#ARGV - 1) / 3
local results = {}
local all_allowed = true
local fetched, offset, next_key = false, 0, 2
for i = 1, limits do
  local at = 2 + (i - 1) * 3
  -- The algorithm, and the size of its slot (0: a sorted set of its own): the
  -- bytes of the struct format its file packs ('<dd' 16, '<ddd' 24; a wrong size
  -- shifts the next slot, which the twin tests of every pair catch). A chain of
  -- comparisons, not a table of algorithms: the script body runs on every call,
  -- and building that table each time costs more (callgrind).
  local id, algorithm, size = ARGV[at], nil, 16
  if id == '0' then
    algorithm = token_bucket
  elseif id == '1' then
    algorithm = leaky_bucket
  elseif id == '2' then
    algorithm = fixed_window
  elseif id == '3' then
    algorithm, size = sliding_window, 0
  elseif id == '4' then
    algorithm, size = sliding_window_counter, 24
  elseif id == '5' then
    algorithm = gcra
  end
  if not algorithm then
    return redis.error_reply('ERR floodgate: unknown algorithm ' .. tostring(id))
  end
  local state
  if size > 0 then
    if not fetched then
      packed, fetched = redis.call('GET', KEYS[1]), true
    end
    -- The key's name spells the algorithms in order, so the string has this
    -- layout; one too short (written by hand?) reads as fresh.
    state = packed and #packed >= offset + size and offset + 1
    offset = offset + size
  else
    state = KEYS[next_key]
    next_key = next_key + 1
  end
  local allowed, remaining, reset, retry, commit =
    algorithm(state, tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]) * 1000, t)
  results[i] = { allowed, remaining, reset, retry, commit }
  all_allowed = all_allowed and allowed
end

-- Phase 2: commit every new state only if every limit allows. A denied check
-- consumes nothing, so a limit that allowed by itself reports remaining + 1.
-- The packed slots are written together, kept as long as the longest needs.
local reply = { math.floor(t / 1000000), t % 1000000 }
local slots, keep_us = nil, 0
for i = 1, limits do
  local r = results[i]
  local remaining = r[2]
  if all_allowed then
    local slot, keep = r[5]()
    if slot then
      slots = slots and slots .. slot or slot
      if keep > keep_us then keep_us = keep end
    end
  elseif r[1] then
    remaining = remaining + 1
  end
  reply[#reply + 1] = r[1] and 1 or 0
  reply[#reply + 1] = remaining
  reply[#reply + 1] = r[3]
  reply[#reply + 1] = r[4]
end
if slots then
  redis.call('SET', KEYS[1], slots, 'PX', ttl_ms(keep_us))
end
return reply
