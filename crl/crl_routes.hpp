// The public CRL endpoints: GET/HEAD /crl/<ca>.crl and /crl/<ca>-delta.crl, DER
// (application/pkix-crl) with HTTP caching up to nextUpdate and conditional requests.
#pragma once

#include <memory>
#include <string_view>

#include "core/clock.hpp"
#include "crl/published_crl.hpp"
#include "http/router.hpp"

namespace tanda::crl {

// The narrow interface the handlers know. Thread-safe.
class CrlSource {
public:
    virtual ~CrlSource() = default;
    // The current CRL of CA `ca` (its delta when `delta`), or null when there is none.
    virtual std::shared_ptr<const PublishedCrl> find(std::string_view ca, bool delta) const = 0;
};

// `source` and `clock` must outlive the router.
void add_crl_routes(http::Router& router, const CrlSource& source, const Clock& clock);

// Exposed for tests: "<ca>.crl" or "<ca>-delta.crl" looked up in `source` (a CA named
// "x-delta" wins over the delta of "x"); 404 when unknown; 200 with caching headers, or 304
// when If-None-Match matches the ETag or, without If-None-Match, If-Modified-Since is not
// older than thisUpdate (RFC 9110 13.1.3).
http::Response crl_http_response(const http::Request& req, std::string_view file,
                                 const CrlSource& source, UnixSeconds now);

}  // namespace tanda::crl
