-- POST with a fresh random 32-byte nonce per request: every answer must be signed live.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local template = read_file(os.getenv("BENCH_BODY"))
local offset = tonumber(read_file(os.getenv("BENCH_BODY_NONCE_OFFSET")))
local head = template:sub(1, offset)
local tail = template:sub(offset + 33)
local headers = {["Content-Type"] = "application/ocsp-request"}

function init(args)
   math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
   trylater = 0
end

function request()
   local bytes = {}
   for i = 1, 32 do bytes[i] = string.char(math.random(0, 255)) end
   return wrk.format("POST", "/", headers, head .. table.concat(bytes) .. tail)
end

-- Count tryLater answers (the 5-byte OCSPResponse 30 03 0a 01 03): shed load, not served.
local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

function response(status, headers, body)
   if #body == 5 then trylater = trylater + 1 end
end

function done(summary, latency, requests)
   local total = 0
   for _, t in ipairs(threads) do total = total + t:get("trylater") end
   io.write(string.format("TRYLATER %d\n", total))
end
