#include "admin/admin_routes.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "admin/admin_json.hpp"
#include "admin/api_error_response.hpp"
#include "admin/api_response.hpp"
#include "admin/status_token_header.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;
using http::Request;
using http::RequestContext;
using http::Response;
using http::Verb;

constexpr std::size_t kDefaultJournalLimit = 100;
constexpr std::size_t kMaxJournalLimit = 1000;


// Path segments after `prefix`, split on '/'.
std::vector<std::string_view> segments(std::string_view path, std::string_view prefix) {
    std::vector<std::string_view> out;
    path.remove_prefix(prefix.size());
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

ApiResult<std::uint64_t> query_uint(std::string_view target, std::string_view key,
                                    std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
    auto q = target.find('?');
    std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
        if (!pair.starts_with(key) || pair.size() <= key.size() || pair[key.size()] != '=') {
            continue;
        }
        std::string_view text = pair.substr(key.size() + 1);
        std::uint64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
            return refuse(ApiErrorKind::bad_request, std::string(key),
                          "expected an integer " + std::to_string(min) + ".." +
                              std::to_string(max));
        }
        return v;
    }
    return fallback;
}

// ?status=pending (the default) | rejected | expired | all.
ApiResult<std::optional<storage::PendingState>> query_state(std::string_view target) {
    auto q = target.find("?status=");
    if (q == std::string_view::npos) q = target.find("&status=");
    if (q == std::string_view::npos) return storage::PendingState::pending;
    std::string_view value = target.substr(q + 8);
    value = value.substr(0, value.find('&'));
    if (value == "pending") return storage::PendingState::pending;
    if (value == "rejected") return storage::PendingState::rejected;
    if (value == "expired") return storage::PendingState::expired;
    if (value == "all") return std::optional<storage::PendingState>{};
    return refuse(ApiErrorKind::bad_request, "status",
                  "expected pending, rejected, expired or all");
}

// 202 for a request that waits for a second operator, `done` otherwise.
http::Status change_status(const ChangeResult& r, http::Status done) {
    return r.pending ? http::Status::accepted : done;
}

class Handlers {
public:
    Handlers(AdminService& service, Authenticator& auth, StatusTokens* tokens)
        : service_(service), auth_(auth), tokens_(tokens) {}

    template <typename Body>
    http::Handler guarded(Role role, Body body) {
        return admin::guarded(auth_, role, std::move(body));
    }

    ApiResult<Response> revoke(const Request& req, const RequestContext&, const Caller& who) {
        auto parsed = parse_revocation(req.body(), service_.options().max_json_bytes);
        if (!parsed) return tl::unexpected(parsed.error());
        auto done = service_.revoke(*parsed, who);
        if (!done) return tl::unexpected(done.error());
        Response res =
            json_response(req, change_status(*done, http::Status::created), to_json(*done));
        if (tokens_ != nullptr) {
            // A header, so the body stays the original answer on a replay (which gets a token
            // of its own). Applied before the token exists: a failure here is answered 500 and
            // a replay of the same request gets a token (StatusTokens::issue).
            auto token = tokens_->issue(done->request_id);
            if (!token) return storage_refusal(token.error());
            res.set(kStatusTokenHeader, *token);
        }
        return res;
    }

    ApiResult<Response> release(const Request& req, const RequestContext& ctx,
                                const Caller& who) {
        auto parts = segments(ctx.path, "/v1/revocations/");
        if (parts.size() != 3 || parts[2] != "release") return not_found(ctx);
        auto parsed = parse_release(req.body(), parts[0], parts[1],
                                    service_.options().max_json_bytes);
        if (!parsed) return tl::unexpected(parsed.error());
        auto done = service_.release(*parsed, who);
        if (!done) return tl::unexpected(done.error());
        return json_response(req, change_status(*done, http::Status::ok), to_json(*done));
    }

    ApiResult<Response> register_certs(const Request& req, const RequestContext&,
                                       const Caller& who) {
        auto parsed = parse_registration(req.body(), service_.options().max_certificates);
        if (!parsed) return tl::unexpected(parsed.error());
        auto done = service_.register_certificates(*parsed, who);
        if (!done) return tl::unexpected(done.error());
        return json_response(req, http::Status::ok, to_json(*done));
    }

    ApiResult<Response> certificate(const Request& req, const RequestContext& ctx,
                                    const Caller& who) {
        auto parts = segments(ctx.path, "/v1/certificates/");
        if (parts.size() != 2) return not_found(ctx);
        auto serial = parse_serial(parts[1], "serial");
        if (!serial) return tl::unexpected(serial.error());
        auto view = service_.certificate(parts[0], *serial, who);
        if (!view) return tl::unexpected(view.error());
        return json_response(req, http::Status::ok, to_json(*view));
    }

    ApiResult<Response> request_status(const Request& req, const RequestContext& ctx,
                                       const Caller& who) {
        auto parts = segments(ctx.path, "/v1/requests/");
        if (parts.size() != 1) return not_found(ctx);
        auto status = service_.request(parts[0], who);
        if (!status) return tl::unexpected(status.error());
        return json_response(req, http::Status::ok, to_json(*status));
    }

    ApiResult<Response> list_requests(const Request& req, const RequestContext&,
                                      const Caller& who) {
        std::string_view target(req.target().data(), req.target().size());
        auto state = query_state(target);
        if (!state) return tl::unexpected(state.error());
        auto list = service_.requests(*state, who);
        if (!list) return tl::unexpected(list.error());
        return json_response(req, http::Status::ok, to_json(*list));
    }

    // POST /v1/requests/{id}/approve | /reject
    ApiResult<Response> decide(const Request& req, const RequestContext& ctx, const Caller& who) {
        auto parts = segments(ctx.path, "/v1/requests/");
        if (parts.size() != 2 || parts[0].empty()) return not_found(ctx);
        const std::size_t max = service_.options().max_json_bytes;
        if (parts[1] == "approve") {
            auto parsed = parse_approve(req.body(), max);
            if (!parsed) return tl::unexpected(parsed.error());
            auto done = service_.approve(parts[0], *parsed, who);
            if (!done) return tl::unexpected(done.error());
            return json_response(req, http::Status::ok, to_json(*done));
        }
        if (parts[1] == "cancel") {
            auto parsed = parse_reject(req.body(), max);
            if (!parsed) return tl::unexpected(parsed.error());
            auto done = service_.cancel(parts[0], *parsed, who);
            if (!done) return tl::unexpected(done.error());
            return json_response(req, http::Status::ok, to_json(*done));
        }
        if (parts[1] == "reject") {
            auto parsed = parse_reject(req.body(), max);
            if (!parsed) return tl::unexpected(parsed.error());
            auto done = service_.reject(parts[0], *parsed, who);
            if (!done) return tl::unexpected(done.error());
            return json_response(req, http::Status::ok, to_json(*done));
        }
        return not_found(ctx);
    }

    ApiResult<Response> list_scheduled(const Request& req, const RequestContext&,
                                       const Caller& who) {
        auto list = service_.scheduled(who);
        if (!list) return tl::unexpected(list.error());
        return json_response(req, http::Status::ok, to_json(*list));
    }

    ApiResult<Response> journal(const Request& req, const RequestContext&, const Caller& who) {
        std::string_view target(req.target().data(), req.target().size());
        auto since = query_uint(target, "since", 1, 0, UINT64_MAX);
        if (!since) return tl::unexpected(since.error());
        auto limit = query_uint(target, "limit", kDefaultJournalLimit, 1, kMaxJournalLimit);
        if (!limit) return tl::unexpected(limit.error());
        auto filter = parse_journal_filter(target);
        if (!filter) return tl::unexpected(filter.error());
        auto page = service_.journal(*since, *limit, *filter, who);
        if (!page) return tl::unexpected(page.error());
        return json_response(req, http::Status::ok, to_json(*page, service_));
    }

    ApiResult<Response> verify(const Request& req, const RequestContext&, const Caller& who) {
        // The verdict and its first difference cover every CA's records.
        if (auto ok = check_whole_ca(who, "journal verification"); !ok) {
            return tl::unexpected(ok.error());
        }
        auto check = service_.verify_journal();
        if (!check) return tl::unexpected(check.error());
        return json_response(req, http::Status::ok, to_json(*check));
    }

    // POST /v1/crls/{ca}/generate, or /v1/crls/{ca}/import with {"crl": ...}.
    ApiResult<Response> crl_action(const Request& req, const RequestContext& ctx,
                                   const Caller& who) {
        auto parts = segments(ctx.path, "/v1/crls/");
        if (parts.size() != 2 || parts[0].empty()) return not_found(ctx);
        if (parts[1] == "import") {
            // As large as the listener takes (admin.listen.max_body_bytes, 413 beyond): a CRL
            // is not a small JSON request.
            auto der = parse_crl_import(req.body(), req.body().size());
            if (!der) return tl::unexpected(der.error());
            auto imported = service_.import_crl(parts[0], *der, who);
            if (!imported) return tl::unexpected(imported.error());
            return json_response(req, http::Status::created, to_json(*imported));
        }
        if (parts[1] != "generate") return not_found(ctx);
        auto made = service_.generate_crl(parts[0], who);
        if (!made) return tl::unexpected(made.error());
        return json_response(req, http::Status::created, to_json(*made));
    }

    ApiResult<Response> list_blocks(const Request& req, const RequestContext&, const Caller& who) {
        // Blocks name other operators' keys and addresses.
        if (auto ok = check_whole_ca(who, "the block list"); !ok) return tl::unexpected(ok.error());
        return json_response(req, http::Status::ok,
                             to_json(auth_.blocks(), service_.clock().now(), auth_.limits()));
    }

    ApiResult<Response> unblock(const Request& req, const RequestContext&, const Caller& who) {
        if (auto ok = check_whole_ca(who, "unblocking"); !ok) return tl::unexpected(ok.error());
        auto parsed = parse_unblock(req.body(), service_.options().max_json_bytes);
        if (!parsed) return tl::unexpected(parsed.error());
        std::vector<std::string> lifted;
        if (parsed->all) {
            lifted = auth_.unblock_all(who);
        } else if (auth_.unblock(parsed->key, who)) {
            lifted.push_back(parsed->key);
        } else {
            return refuse(ApiErrorKind::not_found, "key", "'" + parsed->key + "' is not blocked");
        }
        json::array keys(lifted.begin(), lifted.end());
        return json_response(req, http::Status::ok, json::object{{"unblocked", std::move(keys)}});
    }

    ApiResult<Response> unknown(const Request&, const RequestContext& ctx, const Caller&) {
        return not_found(ctx);
    }

private:
    static tl::unexpected<ApiError> not_found(const RequestContext& ctx) {
        return refuse(ApiErrorKind::not_found, "", "no admin API at " + std::string(ctx.path));
    }

    AdminService& service_;
    Authenticator& auth_;
    StatusTokens* tokens_;  // null: revocations answer without a status token
};

}  // namespace

void add_admin_routes(http::Router& router, AdminService& service, Authenticator& auth,
                      StatusTokens* tokens) {
    // Shared by every route; lives as long as the router's handlers.
    auto h = std::make_shared<Handlers>(service, auth, tokens);
    auto bind = [h](auto method) {
        return [h, method](const Request& req, const RequestContext& ctx, const Caller& who) {
            return ((*h).*method)(req, ctx, who);
        };
    };
    const std::vector<Verb> get{Verb::get}, post{Verb::post};
    router.exact("/v1/revocations", post, h->guarded(Role::operator_, bind(&Handlers::revoke)));
    router.prefix("/v1/revocations/", post,
                  h->guarded(Role::operator_, bind(&Handlers::release)));
    router.exact("/v1/certificates", post,
                 h->guarded(Role::operator_, bind(&Handlers::register_certs)));
    router.prefix("/v1/certificates/", get,
                  h->guarded(Role::auditor, bind(&Handlers::certificate)));
    // One prefix, two roles: reading a request is an auditor's, deciding one an operator's.
    router.prefix("/v1/requests/", {Verb::get, Verb::post},
                  [status = h->guarded(Role::auditor, bind(&Handlers::request_status)),
                   decide = h->guarded(Role::operator_, bind(&Handlers::decide))](
                      const Request& req, const RequestContext& ctx) {
                      return req.method() == Verb::post ? decide(req, ctx) : status(req, ctx);
                  });
    router.exact("/v1/requests", get, h->guarded(Role::auditor, bind(&Handlers::list_requests)));
    router.exact("/v1/scheduled", get,
                 h->guarded(Role::auditor, bind(&Handlers::list_scheduled)));
    router.exact("/v1/journal", get, h->guarded(Role::auditor, bind(&Handlers::journal)));
    router.exact("/v1/journal/verify", get, h->guarded(Role::auditor, bind(&Handlers::verify)));
    router.prefix("/v1/crls/", post, h->guarded(Role::operator_, bind(&Handlers::crl_action)));
    router.exact("/v1/blocks", get, h->guarded(Role::auditor, bind(&Handlers::list_blocks)));
    router.exact("/v1/blocks/unblock", post,
                 h->guarded(Role::operator_, bind(&Handlers::unblock)));
    router.prefix("/", {Verb::get, Verb::post, Verb::put, Verb::delete_, Verb::patch},
                  h->guarded(Role::auditor, bind(&Handlers::unknown)));
}

}  // namespace tanda::admin
