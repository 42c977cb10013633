-- GET /<base64 request> (the URL carries it): the RFC 5019 form HTTP caches and CDNs see.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
