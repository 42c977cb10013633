#include "http/response_head.hpp"

#include <sstream>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>

#include "http/router.hpp"

using namespace tanda;
using http::Field;
using http::Status;
namespace bh = boost::beast::http;

namespace {

using BeastResponse = bh::response<bh::string_body>;

// What Beast's own serializer puts on the wire for `res`, built with Beast's calls only.
std::string beast_wire(const BeastResponse& res) {
    std::ostringstream os;
    os << res;
    return os.str();
}

std::string our_wire(const http::Response& res) {
    std::string head = "left over from the previous response";
    http::render_head(res, head);
    return head + std::string(res.body().payload());
}

const std::string kDer("\x30\x03\x0a\x01\x00", 5);

std::shared_ptr<const Bytes> shared_der() {
    const auto* p = reinterpret_cast<const std::byte*>(kDer.data());
    return std::make_shared<const Bytes>(p, p + kDer.size());
}

}  // namespace

TEST_CASE("the rendered head is byte for byte Beast's", "[response_head]") {
    const bool keep = GENERATE(true, false);
    SECTION("a shared OCSP answer with caching headers, kept alive or not") {
        http::Response res{Status::ok, 11};
        res.set(Field::content_type, "application/ocsp-response");
        res.set(Field::cache_control, "public, no-transform, must-revalidate, max-age=3600");
        res.set(Field::etag, "\"0123abcd\"");
        const auto der = shared_der();
        res.body().share(der);
        res.prepare_payload();
        res.keep_alive(keep);
        CHECK(res.body().payload().data() == reinterpret_cast<const char*>(der->data()));

        BeastResponse beast{bh::status::ok, 11};
        beast.set(bh::field::content_type, "application/ocsp-response");
        beast.set(bh::field::cache_control, "public, no-transform, must-revalidate, max-age=3600");
        beast.set(bh::field::etag, "\"0123abcd\"");
        beast.body() = kDer;
        beast.prepare_payload();
        beast.keep_alive(keep);
        CHECK(our_wire(res) == beast_wire(beast));
        CHECK(our_wire(res).rfind("HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n",
                                  0) == 0);
        CHECK(res.keep_alive() == keep);
    }
    SECTION("an error with a text body; HTTP/1.0 keeps alive only when told") {
        const unsigned version = GENERATE(10u, 11u);
        auto res = http::error_response(http::Request{http::Verb::get, "/", version},
                                        Status::not_found, "not found");
        res.keep_alive(keep);
        BeastResponse beast{bh::status::not_found, version};
        beast.set(bh::field::content_type, "text/plain; charset=utf-8");
        beast.set(bh::field::cache_control, "no-store");
        beast.body() = "not found\n";
        beast.prepare_payload();
        beast.keep_alive(keep);
        CHECK(our_wire(res) == beast_wire(beast));
        CHECK(res.keep_alive() == keep);
    }
    SECTION("a HEAD answer: the GET body's length, no body") {
        http::Router router;
        router.exact("/crl/a.crl", {http::Verb::get},
                     [](const http::Request& req, const http::RequestContext&) {
                         http::Response res{Status::ok, req.version()};
                         res.set(Field::content_type, "application/pkix-crl");
                         res.body().share(shared_der());
                         res.prepare_payload();
                         return res;
                     });
        auto res = router.route(http::Request{http::Verb::head, "/crl/a.crl", 11});
        res.keep_alive(keep);
        BeastResponse beast{bh::status::ok, 11};
        beast.set(bh::field::content_type, "application/pkix-crl");
        beast.content_length(kDer.size());
        beast.keep_alive(keep);
        // Beast writes no body for a message whose body is empty, whatever Content-Length says.
        CHECK(our_wire(res) == beast_wire(beast));
        CHECK(our_wire(res).find("\r\nContent-Length: 5\r\n") != std::string::npos);
    }
    SECTION("HTTP/1.0, a 304 without a body, an unknown field name") {
        http::Response res{Status::not_modified, 10};
        res.set("X-Tanda-Test", "1");
        res.keep_alive(keep);
        BeastResponse beast{bh::status::not_modified, 10};
        beast.set("X-Tanda-Test", "1");
        beast.keep_alive(keep);
        CHECK(our_wire(res) == beast_wire(beast));
    }
}

TEST_CASE("every status Tanda answers with has Beast's reason phrase", "[response_head]") {
    const auto status = GENERATE(
        Status::ok, Status::created, Status::not_modified, Status::bad_request,
        Status::unauthorized, Status::forbidden, Status::not_found, Status::method_not_allowed,
        Status::conflict, Status::payload_too_large, Status::uri_too_long,
        Status::unsupported_media_type, Status::too_many_requests,
        Status::request_header_fields_too_large, Status::internal_server_error,
        Status::service_unavailable);
    const auto code = static_cast<unsigned>(status);
    const auto expected = bh::obsolete_reason(bh::int_to_status(code));
    CHECK(http::reason(status) == std::string_view(expected.data(), expected.size()));
}

TEST_CASE("every field name is Beast's spelling", "[response_head]") {
    using F = Field;
    const auto [ours, theirs] = GENERATE(table<F, bh::field>(
        {{F::accept, bh::field::accept}, {F::allow, bh::field::allow},
         {F::cache_control, bh::field::cache_control}, {F::connection, bh::field::connection},
         {F::content_length, bh::field::content_length},
         {F::content_type, bh::field::content_type}, {F::etag, bh::field::etag},
         {F::expires, bh::field::expires}, {F::host, bh::field::host},
         {F::if_modified_since, bh::field::if_modified_since},
         {F::if_none_match, bh::field::if_none_match},
         {F::last_modified, bh::field::last_modified}, {F::retry_after, bh::field::retry_after},
         {F::user_agent, bh::field::user_agent},
         {F::www_authenticate, bh::field::www_authenticate}}));
    const auto name = bh::to_string(theirs);
    CHECK(http::to_string(ours) == std::string_view(name.data(), name.size()));
}
