-- wrk script for bench/run.sh (issue 8): POST the activity in $BENCH_BODY to the URL, with
-- "Authorization: Bearer <token from $BENCH_TOKEN>" when that variable names a file. At the end prints one line
--   BENCH_JSON {"requests":…,"rps":…,"p50_us":…,"p99_us":…,"errors_status":…,…}
-- that bench/run.sh stores (errors_status counts non-2xx/3xx answers).
-- A body containing {{SEQ}} gets a unique value there on every request (thread number, start time, counter), so each
-- request is a new activity id (bench/invoke/channel-message.json: the bot stores each inbound message once per id).
local function slurp(path)
  local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local text = file:read("*a")
  file:close()
  return text
end

local body_file = os.getenv("BENCH_BODY")
assert(body_file and body_file ~= "", "set BENCH_BODY to the activity JSON file")
wrk.method = "POST"
wrk.body = slurp(body_file)
wrk.headers["Content-Type"] = "application/json"

if wrk.body:find("{{SEQ}}", 1, true) then
  local threads = 0
  function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
  end

  local template = wrk.body
  local prefix, counter = nil, 0
  function request()
    if prefix == nil then prefix = tostring(tid) .. "-" .. tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9)) end
    counter = counter + 1
    return wrk.format(nil, nil, nil, (template:gsub("{{SEQ}}", prefix .. "-" .. counter, 1)))
  end
end

local token_file = os.getenv("BENCH_TOKEN")
if token_file and token_file ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. slurp(token_file):gsub("%s+$", "")
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
