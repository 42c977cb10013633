// One routing table per listener: exact paths, then path prefixes, longest first. Handlers map a
// request to a response and never touch sockets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "http/message.hpp"

namespace tanda::http {

// The certificate a TLS client presented. The handshake accepts any certificate so that a
// refusal can be answered in HTTP (401 with a reason): check `verified` before trusting it.
struct PeerCertificate {
    Bytes der;                // the leaf certificate
    bool verified = false;    // chains to the listener's client CA bundle, in validity, purpose ok
    std::string error;        // why not, as OpenSSL's verifier says ("certificate has expired")
    std::string subject;      // filled by the listener's peer describer (DN text), if any
    std::string spki_sha256;  // filled by the listener's peer describer (lower-case hex), if any
};

// What a handler knows besides the request. Listeners fill in what they know (a TLS listener
// adds the peer); the router sets `path`.
struct RequestContext {
    std::string_view path;        // the request target without the query
    std::string remote_address;   // "ip:port" of the client
    bool tls = false;             // arrived on a TLS listener
    std::optional<PeerCertificate> peer;  // TLS: the client's certificate, when it sent one
};

using Handler = std::function<Response(const Request& req, const RequestContext& ctx)>;

// Completes a request: call exactly once, from any thread.
using Reply = std::function<void(Response)>;
// A handler that may answer later (e.g. after work on another pool); it must not block.
using AsyncHandler =
    std::function<void(const Request& req, const RequestContext& ctx, Reply reply)>;

class Router {
public:
    // Methods not listed get 405 with an Allow header. HEAD is answered by GET handlers with
    // the body removed when GET is listed.
    void exact(std::string path, std::vector<Verb> methods, Handler handler);
    void prefix(std::string prefix, std::vector<Verb> methods, Handler handler);
    void exact_async(std::string path, std::vector<Verb> methods, AsyncHandler handler);
    void prefix_async(std::string prefix, std::vector<Verb> methods, AsyncHandler handler);

    // Finds the route and calls it; 404 / 405 from error_response otherwise. `reply` is called
    // exactly once, possibly later and on another thread; `req` must outlive that call.
    // Thread-safe once built (read-only).
    void dispatch(const Request& req, RequestContext ctx, Reply reply) const;
    // The same for routes that answer at once (tests, simple listeners); an asynchronous
    // route that has not answered on return gives 500.
    Response route(const Request& req, RequestContext ctx = {}) const;

    // Told about every answered request, for metrics: the route that took it (its path, with
    // "*" after a prefix route's: "/v1/certificates/*"; "" when none matched), the method and
    // the status. Set before serving.
    using Observer = std::function<void(std::string_view route, Verb method, unsigned status)>;
    void observe(Observer observer) { observer_ = std::move(observer); }

private:
    struct Route {
        std::string path;
        std::string label;  // for the observer
        bool is_prefix = false;
        std::vector<Verb> methods;
        AsyncHandler handler;
    };
    void add(std::string path, bool is_prefix, std::vector<Verb> methods, AsyncHandler handler);
    const Route* find(std::string_view path) const;
    std::vector<Route> routes_;
    Observer observer_;
};

// The builders for error answers: a short plain-text body, no caching. 405 lists `allow`.
Response error_response(const Request& req, Status status, std::string_view message);
Response method_not_allowed(const Request& req, const std::vector<Verb>& allow);

}  // namespace tanda::http
