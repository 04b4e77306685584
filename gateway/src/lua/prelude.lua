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

-- The state of one limit is a few integers packed as little-endian doubles in
-- one string (exact: every value is an integer below 2^53). Against a hash that
-- saves a call per decision (GET + SET PX, not HMGET + HSET + PEXPIRE) and every
-- number printed and parsed as text: about a fifth of the script's time in Redis
-- (docs/redis.md). load_state returns nothing for a missing key.
local function load_state(key, format)
  local packed = redis.call('GET', key)
  if packed then return struct.unpack(format, packed) end
end

local function save_state(key, reset_us, format, ...)
  redis.call('SET', key, struct.pack(format, ...), 'PX', ttl_ms(reset_us))
end
