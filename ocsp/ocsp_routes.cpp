#include "ocsp/ocsp_routes.hpp"

#include <algorithm>
#include <chrono>

#include "core/time_format.hpp"
#include "ocsp/error_answers.hpp"
#include "ocsp/ocsp_get_path.hpp"

namespace tanda::ocsp {
namespace {

using http::Field;
using http::Status;

constexpr std::string_view kRequestType = "application/ocsp-request";

// Media types compare case-insensitively and may carry parameters.
bool is_ocsp_request_type(std::string_view value) {
    value = value.substr(0, value.find(';'));
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return value.size() == kRequestType.size() &&
           std::equal(value.begin(), value.end(), kRequestType.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

bool cacheable(const ResponseContent& a) {
    return !a.has_nonce && (a.outcome == Outcome::good || a.outcome == Outcome::revoked);
}

}  // namespace

http::Response ocsp_http_response(const http::Request& req, const ServedAnswer& served,
                                  UnixSeconds now) {
    const ResponseContent& answer = served.answer;
    http::Response res{Status::ok, req.version()};
    res.set(Field::content_type, "application/ocsp-response");
    const bool get = req.method() == http::Verb::get || req.method() == http::Verb::head;
    if (get && cacheable(answer)) {
        // RFC 5019 6.2: let HTTP caches keep the answer until nextUpdate, no longer.
        UnixSeconds max_age = std::max<UnixSeconds>(0, answer.next_update - now);
        const std::string& etag = served.etag;
        res.set(Field::cache_control, "public, no-transform, must-revalidate, max-age=" +
                                          std::to_string(max_age));
        res.set(Field::last_modified, served.last_modified);
        res.set(Field::expires, served.expires);
        res.set(Field::etag, etag);
        auto inm = req[Field::if_none_match];
        if (!inm.empty() && inm.find(etag) != std::string_view::npos) {
            res.result(Status::not_modified);
            return res;
        }
    } else {
        // unknown may turn good a minute later; errors and nonces are per request.
        res.set(Field::cache_control, "no-cache, no-store, max-age=0");
    }
    res.body().share(answer.der);
    res.prepare_payload();
    return res;
}

void add_ocsp_routes(http::Router& router, const OcspOptions& options,
                     const AnswerSource& source, const Clock& clock, OcspMetrics* metrics) {
    auto handler = [&source, &clock, metrics, prefix = options.path_prefix](
                       const http::Request& req, const http::RequestContext& ctx,
                       http::Reply reply) {
        const auto started = std::chrono::steady_clock::now();
        auto send = [&req, &clock, metrics, started,
                     reply](std::shared_ptr<const ServedAnswer> served) {
            if (metrics) {
                const std::chrono::duration<double> took =
                    std::chrono::steady_clock::now() - started;
                metrics->answered(served->answer.ca_name, req.method(), served->answer.outcome,
                                  took.count());
            }
            reply(ocsp_http_response(req, *served, clock.now()));
        };
        if (req.method() == http::Verb::post) {
            if (!is_ocsp_request_type(req[Field::content_type])) {
                return reply(http::error_response(
                    req, Status::unsupported_media_type,
                    "POST needs Content-Type: application/ocsp-request"));
            }
            return source.respond(as_bytes(req.body()), send);
        }
        std::string_view encoded = ctx.path;
        if (!prefix.empty() && encoded.substr(0, prefix.size()) == prefix) {
            encoded.remove_prefix(prefix.size());
        }
        auto der = decode_ocsp_get_path(encoded);
        if (!der) return send(error_answer(Outcome::malformed));
        source.respond(*der, send);
    };
    std::vector<http::Verb> methods{http::Verb::get, http::Verb::post};
    router.prefix_async("/", methods, handler);
    if (!options.path_prefix.empty()) {
        router.exact_async(options.path_prefix, methods, handler);
        router.prefix_async(options.path_prefix + "/", methods, handler);
    }
}

}  // namespace tanda::ocsp
