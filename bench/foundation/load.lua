-- wrk script: each request GETs PREFIX .. a random line of FILE .. SUFFIX
-- (or the URL as given when no FILE), and `done` prints one RESULT line with
-- requests/s and the 50th, 95th and 99th latency percentiles in ms.
-- Usage: wrk -s load.lua URL [-- FILE PREFIX [SUFFIX]]
local lines = {}
local prefix, suffix = "", ""

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do
      lines[#lines + 1] = line
    end
  end
  prefix = args[2] or ""
  suffix = args[3] or ""
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  if #lines == 0 then return wrk.format() end
  local item = lines[math.random(#lines)]
  if prefix:find("q=$") then item = escape(item) end
  return wrk.format("GET", prefix .. item .. suffix)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests/s=%.0f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
