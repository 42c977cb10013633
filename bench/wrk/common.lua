-- Shared by the bench scripts. wrk's default resolve() opens and closes a probe connection
-- before the run; `openssl ocsp` 3.0 spins at 100% CPU after such a connection
-- (openssl/openssl#31129), so resolve without connecting.
function wrk.resolve(host, service)
   wrk.addrs = wrk.lookup(host, service)
end

-- Optional pacing for "p99 at half of peak load": BENCH_RATE requests/s over all connections.
local rate = tonumber(os.getenv("BENCH_RATE") or "")
local conns = tonumber(os.getenv("BENCH_CONNECTIONS") or "50")
if rate and rate > 0 then
   function delay()
      return conns * 1000 / rate
   end
end

function read_file(path)
   local f = assert(io.open(path, "rb"))
   local data = f:read("*a")
   f:close()
   return data
end
