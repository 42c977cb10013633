#include "http/router.hpp"

#include <algorithm>
#include <memory>
#include <optional>

namespace tanda::http {
namespace {

AsyncHandler make_async(Handler handler) {
    return [handler = std::move(handler)](const Request& req, const RequestContext& ctx,
                                          Reply reply) { reply(handler(req, ctx)); };
}

}  // namespace

void Router::add(std::string path, bool is_prefix, std::vector<Verb> methods,
                 AsyncHandler handler) {
    std::string label = is_prefix ? path + "*" : path;
    routes_.push_back(Route{std::move(path), std::move(label), is_prefix, std::move(methods),
                            std::move(handler)});
    // Exact routes first, then the longest prefix, so "/crl/" wins over "/".
    std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
        return a.is_prefix == b.is_prefix ? a.path.size() > b.path.size() : !a.is_prefix;
    });
}

void Router::exact(std::string path, std::vector<Verb> methods, Handler handler) {
    add(std::move(path), false, std::move(methods), make_async(std::move(handler)));
}

void Router::prefix(std::string prefix, std::vector<Verb> methods, Handler handler) {
    add(std::move(prefix), true, std::move(methods), make_async(std::move(handler)));
}

void Router::exact_async(std::string path, std::vector<Verb> methods, AsyncHandler handler) {
    add(std::move(path), false, std::move(methods), std::move(handler));
}

void Router::prefix_async(std::string prefix, std::vector<Verb> methods, AsyncHandler handler) {
    add(std::move(prefix), true, std::move(methods), std::move(handler));
}

const Router::Route* Router::find(std::string_view path) const {
    for (const auto& r : routes_) {
        if (r.is_prefix ? path.substr(0, r.path.size()) == r.path : r.path == path) return &r;
    }
    return nullptr;
}

void Router::dispatch(const Request& req, RequestContext ctx, Reply reply) const {
    std::string_view target = req.target();
    std::string_view path = target.substr(0, target.find('?'));
    const Route* r = find(path);
    if (observer_) {
        reply = [this, route = r ? std::string_view(r->label) : std::string_view(),
                 method = req.method(),
                 reply = std::move(reply)](Response res) {
            observer_(route, method, res.result_int());
            reply(std::move(res));
        };
    }
    if (!r) return reply(error_response(req, Status::not_found, "not found"));
    const bool head = req.method() == Verb::head;
    const Verb effective = head ? Verb::get : req.method();
    if (std::find(r->methods.begin(), r->methods.end(), effective) == r->methods.end()) {
        return reply(method_not_allowed(req, r->methods));
    }
    ctx.path = path;
    if (!head) return r->handler(req, ctx, std::move(reply));
    r->handler(req, ctx, [reply = std::move(reply)](Response res) {
        auto length = res.body().payload_size();
        res.body().clear();
        res.content_length(length);
        reply(std::move(res));
    });
}

Response Router::route(const Request& req, RequestContext ctx) const {
    // Shared, so a late answer from an asynchronous route lands somewhere valid.
    auto answer = std::make_shared<std::optional<Response>>();
    dispatch(req, std::move(ctx), [answer](Response res) { *answer = std::move(res); });
    if (!*answer) return error_response(req, Status::internal_server_error, "no answer");
    return std::move(**answer);
}

Response error_response(const Request& req, Status status, std::string_view message) {
    Response res{status, req.version()};
    res.set(Field::content_type, "text/plain; charset=utf-8");
    res.set(Field::cache_control, "no-store");
    res.body().assign(message);
    res.body().push_back('\n');
    res.prepare_payload();
    return res;
}

Response method_not_allowed(const Request& req, const std::vector<Verb>& allow) {
    Response res = error_response(req, Status::method_not_allowed, "method not allowed");
    std::string list;
    for (Verb v : allow) {
        list += (list.empty() ? "" : ", ") + std::string(to_string(v));
        if (v == Verb::get) list += ", HEAD";
    }
    res.set(Field::allow, list);
    return res;
}

}  // namespace tanda::http
