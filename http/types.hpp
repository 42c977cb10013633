// The request and response types every handler sees. Bodies are small (OCSP, JSON) or shared
// immutable bytes (cached responses, CRLs).
#pragma once

#include <boost/beast/http.hpp>

#include "http/shared_body.hpp"

namespace tanda::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<SharedBody>;
using Status = beast_http::status;
using Verb = beast_http::verb;
using Field = beast_http::field;

}  // namespace tanda::http
