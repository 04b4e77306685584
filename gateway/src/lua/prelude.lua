-- floodgate check script. This file, one file per algorithm and check.lua are
-- concatenated in that order into ONE script, so a decision is one EVALSHA.
-- The maths is docs/limiter.md, exactly: integers in microseconds, every value
-- below 2^53 so a Lua number (an IEEE double) holds it exactly.

-- floor(a / b) and ceil(a / b) of non-negative integers, corrected so a
-- rounded double quotient can never make them off by one.
local function idiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local function cdiv(a, b)
  local q = idiv(a, b)
  if q * b < a then q = q + 1 end
  return q
end

-- An integer as exact text, for string concatenation only: Lua's `..` prints
-- a number with %.14g. Numbers passed to redis.call need no conversion: Redis
-- itself prints them with %.17g, exact below 2^53, and string.format costs
-- more per call than the redis.call it would feed (see docs/redis.md).
local function int(x)
  return string.format('%.0f', x)
end

-- TTL of a state key in whole ms, never 0 (PX 0 is an error).
local function ttl_ms(us)
  return math.max(1, cdiv(us, 1000))
end

-- The state of one limit is a few integers packed as little-endian doubles
-- (exact: every value is an integer below 2^53), and the states of all the
-- route's limits but sliding windows are one string under KEYS[1], each in its
-- slot (check.lua). Against a hash per limit that saves calls per decision (one
-- GET and one SET PX for the route, not HMGET + HSET + PEXPIRE per limit) and
-- every number printed and parsed as text (docs/redis.md).
local packed = false -- that string as check.lua read it, false when missing

-- The state in the slot starting at byte `slot` of `packed`, or nothing for a
-- missing one (false). Unpacked in place: no substring per limit.
local function load_state(slot, format)
  if slot then return struct.unpack(format, packed, slot) end
end

-- An algorithm's commit returns its new state packed for its slot and for how
-- long (µs) it must be kept: until then it differs from a fresh one. check.lua
-- writes all the slots with one SET, kept as long as the longest needs.
