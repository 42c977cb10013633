-- POST a request for a random registered serial each time (BENCH_COUNT of them, from
-- tanda-bench-fixtures: 0x10000000 + i, four bytes that end the request). As in nonce.lua, the
-- request is formatted once and only its last four bytes are made per request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local template = read_file(os.getenv("BENCH_BODY"))
local count = tonumber(os.getenv("BENCH_COUNT"))
local char, floor, random = string.char, math.floor, math.random
local before

function init(args)
   math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
   local whole = wrk.format("POST", "/", {["Content-Type"] = "application/ocsp-request"}, template)
   before = whole:sub(1, #whole - 4)
end

function request()
   local s = 0x10000000 + random(0, count - 1)
   -- wrk's LuaJIT has no bit operators: split the serial arithmetically.
   return before .. char(floor(s / 16777216) % 256, floor(s / 65536) % 256, floor(s / 256) % 256,
                         s % 256)
end
