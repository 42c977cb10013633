#include "admin/api_response.hpp"

#include <boost/json/serialize.hpp>

namespace tanda::admin {

http::Response json_response(const http::Request& req, http::Status status,
                             const boost::json::object& body) {
    http::Response res{status, req.version()};
    res.set(http::Field::content_type, "application/json");
    res.set(http::Field::cache_control, "no-store");
    res.body() = boost::json::serialize(body) + "\n";
    res.prepare_payload();
    return res;
}

}  // namespace tanda::admin
