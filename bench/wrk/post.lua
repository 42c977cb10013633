-- POST of the same request body on every request (no nonce: cacheable).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"
wrk.body = read_file(os.getenv("BENCH_BODY"))
