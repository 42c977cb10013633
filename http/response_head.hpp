// The status line and header fields of a response, rendered as they go on the wire. Beast's
// serializer walks the fields through nested buffer views on every write (a sixth of a cached
// answer's CPU in perf); sessions render the plain Response into one reused string and write it
// with the body, from wherever the body is, in a single gather write instead.
#pragma once

#include <string>

#include "http/message.hpp"

namespace tanda::http {

// Replaces `out` with "HTTP/1.x code reason\r\n", each field as "Name: value\r\n" in order, and
// the blank line. Byte for byte what Beast's serializer writes for the same header; the body
// follows as it is (Response frames by Content-Length only).
void render_head(const Response& res, std::string& out);

}  // namespace tanda::http
