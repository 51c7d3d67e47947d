-- wrk script for bench/webhook-load.sh: POSTs a distinct JSON body on every request, so Braid's
-- body-hash dedupe (ARCHITECTURE §3) never folds two requests into one run, and reports the 202 rate.
--
--   wrk -t2 -c64 -d60s --latency -s bench/webhook.lua http://127.0.0.1:8080/hooks/bench-three-step -- <tag>
--
-- <tag> (optional) is put in every body; give each benchmark run its own so bodies never repeat
-- across runs either. A body: {"id":"<tag>-<thread>-<n>","tag":"<tag>","thread":<thread>,"n":<n>}

local threads = {}

-- Runs once per thread in the main Lua state, before the threads start.
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

-- Runs in each thread's own Lua state; globals below are per thread.
function init(args)
  tag = args[1] or tostring(os.time())
  n = 0
  accepted = 0
  other = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local body = string.format('{"id":"%s-%d-%d","tag":"%s","thread":%d,"n":%d}',
    tag, thread_no, n, tag, thread_no, n)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write(string.format("thread %d: HTTP %d: %s\n", thread_no, status, (body or ""):sub(1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local total_accepted, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + (thread:get("accepted") or 0)
    total_other = total_other + (thread:get("other") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write("\n--- webhook accept (all responses, wrk's clock) ---\n")
  io.write(string.format("requests %d in %.1f s = %.0f req/s; 202: %d, other status: %d, socket errors: %d\n",
    summary.requests, seconds, summary.requests / seconds, total_accepted, total_other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("accept p%-4s %8.2f ms\n", tostring(p), latency:percentile(p) / 1000.0))
  end
  io.write(string.format("accept max   %8.2f ms\n", latency.max / 1000.0))
end
