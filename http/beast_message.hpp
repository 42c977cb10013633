// Beast's messages to the plain ones handlers see (message.hpp) and back. Internal to http/: the
// sessions parse with Beast and the TLS client talks Beast on the wire; nothing else does.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.hpp"

namespace tanda::http {

namespace beast_http = boost::beast::http;

using BeastRequest = beast_http::request<beast_http::string_body>;
using BeastResponse = beast_http::response<beast_http::string_body>;

// Methods Verb does not name (OPTIONS, TRACE, ...) become Verb::unknown.
Verb from_beast(beast_http::verb verb) noexcept;
beast_http::verb to_beast(Verb verb) noexcept;

// Makes `out` the parsed request `in`: method, target, version, every header field in order;
// the body is moved out of `in`. Reuses `out`'s storage (a session's request, between requests).
void take_request(BeastRequest& in, Request& out);
// The request to send: the same fields in order, the body copied.
BeastRequest to_beast(const Request& req);
// A response read from a server: status code, version, fields in order; the body moved.
Response take_response(BeastResponse&& in);

}  // namespace tanda::http
