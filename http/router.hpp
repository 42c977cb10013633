// One routing table per listener: exact paths, then path prefixes, longest first. Handlers map a
// request to a response and never touch sockets.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace tanda::http {

// What a handler knows besides the request. Listeners fill in what they know (a TLS listener
// adds the verified peer); the router sets `path`.
struct RequestContext {
    std::string_view path;        // the request target without the query
    std::string remote_address;   // "ip:port" of the client
};

using Handler = std::function<Response(const Request& req, const RequestContext& ctx)>;

class Router {
public:
    // Methods not listed get 405 with an Allow header. HEAD is answered by GET handlers with
    // the body removed when GET is listed.
    void exact(std::string path, std::vector<Verb> methods, Handler handler);
    void prefix(std::string prefix, std::vector<Verb> methods, Handler handler);

    // Finds the route and calls it; 404 / 405 from error_response otherwise. Thread-safe once
    // built (read-only).
    Response route(const Request& req, RequestContext ctx = {}) const;

private:
    struct Route {
        std::string path;
        bool is_prefix = false;
        std::vector<Verb> methods;
        Handler handler;
    };
    const Route* find(std::string_view path) const;
    std::vector<Route> routes_;
};

// The builders for error answers: a short plain-text body, no caching. 405 lists `allow`.
Response error_response(const Request& req, Status status, std::string_view message);
Response method_not_allowed(const Request& req, const std::vector<Verb>& allow);

}  // namespace tanda::http
