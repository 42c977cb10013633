#include "http/response_head.hpp"

#include <sstream>

#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>

#include "http/router.hpp"

using namespace tanda;
using http::Field;
using http::Status;

namespace {

// What Beast's own serializer puts on the wire for `res`.
std::string beast_wire(const http::Response& res) {
    std::ostringstream os;
    os << res;
    return os.str();
}

std::string our_wire(const http::Response& res) {
    std::string head = "left over from the previous response";
    http::render_head(res, head);
    return head + std::string(res.body().payload());
}

}  // namespace

TEST_CASE("the rendered head is byte for byte Beast's", "[response_head]") {
    SECTION("a shared OCSP answer with caching headers") {
        http::Response res{Status::ok, 11};
        res.set(Field::content_type, "application/ocsp-response");
        res.set(Field::cache_control, "public, no-transform, must-revalidate, max-age=3600");
        res.set(Field::etag, "\"0123abcd\"");
        res.body().share(std::make_shared<const Bytes>(Bytes{std::byte{0x30}, std::byte{0x03},
                                                             std::byte{0x0a}, std::byte{0x01},
                                                             std::byte{0x00}}));
        res.prepare_payload();
        CHECK(our_wire(res) == beast_wire(res));
        CHECK(our_wire(res).rfind("HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n",
                                  0) == 0);
    }
    SECTION("an error with a text body, closing the connection") {
        http::Request req;
        req.version(11);
        auto res = http::error_response(req, Status::not_found, "not found");
        res.keep_alive(false);
        CHECK(our_wire(res) == beast_wire(res));
        CHECK(our_wire(res).find("\r\nConnection: close\r\n") != std::string::npos);
    }
    SECTION("HTTP/1.0, a 304 without a body, an unknown field name and a custom reason") {
        http::Response res{Status::not_modified, 10};
        res.set("X-Tanda-Test", "1");
        res.reason("Not Modified Here");
        CHECK(our_wire(res) == beast_wire(res));
        CHECK(our_wire(res) == "HTTP/1.0 304 Not Modified Here\r\nX-Tanda-Test: 1\r\n\r\n");
    }
}
