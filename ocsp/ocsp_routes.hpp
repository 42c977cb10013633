// The public OCSP endpoints: POST application/ocsp-request and GET /<base64 DER>, at "/" and
// under the configured prefix. HTTP status 200 for every OCSP status; 4xx for HTTP misuse.
#pragma once

#include "http/router.hpp"
#include "ocsp/ocsp_metrics.hpp"
#include "ocsp/ocsp_options.hpp"
#include "ocsp/ocsp_service.hpp"

namespace tanda::ocsp {

// `source`, `clock` and `metrics` (may be null) must outlive the router.
void add_ocsp_routes(http::Router& router, const OcspOptions& options,
                     const AnswerSource& source, const Clock& clock,
                     OcspMetrics* metrics = nullptr);

// Exposed for tests: the HTTP response for an answer (RFC 5019 6 caching headers on cacheable
// GET answers; no caching for errors, unknown and nonce answers; 304 on If-None-Match).
http::Response ocsp_http_response(const http::Request& req, const ServedAnswer& served,
                                  UnixSeconds now);

}  // namespace tanda::ocsp
