#include "crl/crl_routes.hpp"

#include <algorithm>

#include "core/time_format.hpp"

namespace tanda::crl {
namespace {

using http::Field;
using http::Status;

constexpr std::string_view kPrefix = "/crl/";
constexpr std::string_view kSuffix = ".crl";
constexpr std::string_view kDelta = "-delta";

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::shared_ptr<const PublishedCrl> lookup(std::string_view file, const CrlSource& source) {
    if (!ends_with(file, kSuffix) || file.size() == kSuffix.size()) return nullptr;
    std::string_view stem = file.substr(0, file.size() - kSuffix.size());
    if (auto full = source.find(stem, false)) return full;
    if (ends_with(stem, kDelta)) return source.find(stem.substr(0, stem.size() - kDelta.size()), true);
    return nullptr;
}

bool not_modified(const http::Request& req, const PublishedCrl& crl) {
    auto inm = req[Field::if_none_match];
    if (!inm.empty()) return inm == "*" || inm.find(crl.etag) != std::string_view::npos;
    auto ims = req[Field::if_modified_since];
    if (ims.empty()) return false;
    auto since = parse_http_date(std::string_view(ims.data(), ims.size()));
    return since && *since >= crl.this_update;
}

}  // namespace

http::Response crl_http_response(const http::Request& req, std::string_view file,
                                 const CrlSource& source, UnixSeconds now) {
    auto crl = lookup(file, source);
    if (!crl) return http::error_response(req, Status::not_found, "no such CRL");
    http::Response res{Status::ok, req.version()};
    // RFC 5280 4.2.1.13 / RFC 2585 4.2: DER, application/pkix-crl; cacheable until nextUpdate.
    res.set(Field::content_type, "application/pkix-crl");
    res.set(Field::etag, crl->etag);
    res.set(Field::last_modified, format_http_date(crl->this_update));
    res.set(Field::expires, format_http_date(crl->next_update));
    res.set(Field::cache_control,
            "public, no-transform, must-revalidate, max-age=" +
                std::to_string(std::max<UnixSeconds>(0, crl->next_update - now)));
    if (not_modified(req, *crl)) {
        res.result(Status::not_modified);
        return res;
    }
    res.body().share(crl->der);
    res.prepare_payload();
    return res;
}

void add_crl_routes(http::Router& router, const CrlSource& source, const Clock& clock) {
    router.prefix(std::string(kPrefix), {http::Verb::get},
                  [&source, &clock](const http::Request& req, const http::RequestContext& ctx) {
                      return crl_http_response(req, ctx.path.substr(kPrefix.size()), source,
                                               clock.now());
                  });
}

}  // namespace tanda::crl
