-- POST a request for a random registered serial each time (BENCH_COUNT of them, from
-- tanda-bench-fixtures: 0x10000000 + i, four bytes that end the request).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local template = read_file(os.getenv("BENCH_BODY"))
local head = template:sub(1, #template - 4)
local count = tonumber(os.getenv("BENCH_COUNT"))
local headers = {["Content-Type"] = "application/ocsp-request"}

function init(args)
   math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
   local s = 0x10000000 + math.random(0, count - 1)
   -- wrk's LuaJIT has no bit operators: split the serial arithmetically.
   local tail = string.char(math.floor(s / 16777216) % 256, math.floor(s / 65536) % 256,
                            math.floor(s / 256) % 256, s % 256)
   return wrk.format("POST", "/", headers, head .. tail)
end
