#include "http/router.hpp"

#include <algorithm>

namespace tanda::http {

void Router::exact(std::string path, std::vector<Verb> methods, Handler handler) {
    routes_.push_back(Route{std::move(path), false, std::move(methods), std::move(handler)});
}

void Router::prefix(std::string prefix, std::vector<Verb> methods, Handler handler) {
    routes_.push_back(Route{std::move(prefix), true, std::move(methods), std::move(handler)});
    // Longest prefix first so "/crl/" wins over "/".
    std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
        return a.is_prefix == b.is_prefix ? a.path.size() > b.path.size() : !a.is_prefix;
    });
}

const Router::Route* Router::find(std::string_view path) const {
    for (const auto& r : routes_) {
        if (!r.is_prefix && r.path == path) return &r;
    }
    for (const auto& r : routes_) {
        if (r.is_prefix && path.substr(0, r.path.size()) == r.path) return &r;
    }
    return nullptr;
}

Response Router::route(const Request& req, RequestContext ctx) const {
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    const Route* r = find(path);
    if (!r) return error_response(req, Status::not_found, "not found");
    bool head = req.method() == Verb::head;
    Verb effective = head ? Verb::get : req.method();
    if (std::find(r->methods.begin(), r->methods.end(), effective) == r->methods.end()) {
        return method_not_allowed(req, r->methods);
    }
    ctx.path = path;
    Response res = r->handler(req, ctx);
    if (head) {
        auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
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
        list += (list.empty() ? "" : ", ") + std::string(beast_http::to_string(v));
        if (v == Verb::get) list += ", HEAD";
    }
    res.set(Field::allow, list);
    return res;
}

}  // namespace tanda::http
