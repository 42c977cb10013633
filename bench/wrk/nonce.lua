-- POST with a fresh random 32-byte nonce per request: every answer must be signed live.
-- wrk shares the two cores with the server, so the request is formatted once and only the nonce
-- is made per request (one string.char of 32 random bytes between two constant strings): the
-- earlier per-request wrk.format() and a response() callback cost wrk 9 us of CPU per request.
-- tryLater answers are counted by run_one.sh from the server's tanda_signing_refused_total.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local template = read_file(os.getenv("BENCH_BODY"))
local offset = tonumber(read_file(os.getenv("BENCH_BODY_NONCE_OFFSET")))
local char, random = string.char, math.random
local before, after

function init(args)
   math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
   local whole = wrk.format("POST", "/", {["Content-Type"] = "application/ocsp-request"}, template)
   local body_at = #whole - #template
   before = whole:sub(1, body_at + offset)
   after = whole:sub(body_at + offset + 33)
end

function request()
   local r = random
   return before .. char(r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255),
                         r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255),
                         r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255),
                         r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255),
                         r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255), r(0, 255),
                         r(0, 255), r(0, 255)) .. after
end
