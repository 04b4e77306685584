-- One EVALSHA of floodgate's check script per request, over a keep-alive cosocket,
-- with hand-written RESP (Debian ships no lua-resty-redis). Same keys, same
-- arguments, same NOSCRIPT recovery as floodgate's redis_store.
local _M = {}

local files = { 'prelude.lua', 'token_bucket.lua', 'leaky_bucket.lua', 'fixed_window.lua',
  'sliding_window.lua', 'sliding_window_counter.lua', 'gcra.lua', 'check.lua' }
local script, sha, redis_port

function _M.init(dir, port)
  local parts = {}
  for _, name in ipairs(files) do
    local f = assert(io.open(dir .. '/' .. name, 'rb'))
    parts[#parts + 1] = f:read('*a')
    f:close()
  end
  -- floodgate joins the files with a newline after each
  script = table.concat(parts, '\n') .. '\n'
  sha = ngx.sha1_bin(script):gsub('.', function(c) return string.format('%02x', c:byte()) end)
  redis_port = port
end

local function command(args)
  local out = { '*', #args, '\r\n' }
  for _, a in ipairs(args) do
    a = tostring(a)
    out[#out + 1] = '$'
    out[#out + 1] = #a
    out[#out + 1] = '\r\n'
    out[#out + 1] = a
    out[#out + 1] = '\r\n'
  end
  return table.concat(out)
end

-- Reads one reply: a table of integers for the check, a string, or nil + error.
local function read_reply(sock)
  local line, err = sock:receive('*l')
  if not line then return nil, err end
  local kind, rest = line:sub(1, 1), line:sub(2)
  if kind == '-' then return nil, rest end
  if kind == '+' or kind == ':' then return rest end
  if kind == '$' then
    local body = sock:receive(tonumber(rest) + 2)
    return body and body:sub(1, -3)
  end
  if kind == '*' then
    local items = {}
    for i = 1, tonumber(rest) do
      local item, ierr = read_reply(sock)
      if not item then return nil, ierr end
      items[i] = tonumber(item)
    end
    return items
  end
  return nil, 'bad reply: ' .. line
end

-- floodgate's key format for a route of one limit that is not a sliding window
-- (the benchmark's): <prefix>{<route>:<client>}:<algorithm id>-<limit>-<window_ms>:v4
local function evalsha(sock, key, algo, limit, window_ms)
  local keys = 'bench:{' .. key .. '}:' .. algo .. '-' .. limit .. '-' .. window_ms .. ':v4'
  local ok, err = sock:send(command({ 'EVALSHA', sha, 1, keys, '', algo, limit, window_ms }))
  if not ok then return nil, err end
  return read_reply(sock)
end

function _M.check(key, algo, limit, window_ms)
  local sock = ngx.socket.tcp()
  sock:settimeouts(50, 50, 50)
  local ok, err = sock:connect('127.0.0.1', redis_port)
  if not ok then
    ngx.log(ngx.ERR, 'redis connect: ', err)
    return ngx.exit(500)
  end
  local reply
  reply, err = evalsha(sock, key, algo, limit, window_ms)
  if not reply and err and err:find('^NOSCRIPT') then
    sock:send(command({ 'SCRIPT', 'LOAD', script }))
    read_reply(sock)
    reply, err = evalsha(sock, key, algo, limit, window_ms)
  end
  if not reply then
    ngx.log(ngx.ERR, 'redis: ', err)
    sock:close()
    return ngx.exit(500)
  end
  sock:setkeepalive(10000, 256)
  -- reply: now_s, now_us, allowed, remaining, reset_after_us, retry_after_us
  if reply[3] ~= 1 then
    ngx.header['Retry-After'] = math.ceil(reply[6] / 1000000)
    return ngx.exit(429)
  end
end

return _M
